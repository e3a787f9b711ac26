package mnist.model;

/**
 * Random distortions of the training images, a new one for every image of every step: a rotation by up
 * to {@code degrees} either way, a scaling by a factor within {@code 1 ± scale}, and a shift by up to
 * {@code shift} pixels in each direction, about the image's centre; pixels are resampled bilinearly, and
 * what comes from outside the image is background (0).
 *
 * <p>Each distortion is drawn from a hash of the step's key and the image's row in the batch, not from a
 * shared generator: the same images whichever thread gathers them, at any thread count, and after a
 * resume. The digits the lecture teaches on are centred by their centre of mass in 28x28, so small shifts
 * and turns are what handwriting does; they teach a network what stays the same.
 */
public record Augmentation(float degrees, float scale, float shift) {

    /** What {@code --augment} uses: 10 degrees, ±10%, 2 pixels. */
    public static final Augmentation DEFAULT = new Augmentation(10f, 0.1f, 2f);

    public Augmentation {
        if (!(degrees >= 0 && degrees <= 180) || !(scale >= 0 && scale < 1) || !(shift >= 0 && shift <= 64)) {
            throw new IllegalArgumentException("augmentation out of range: " + degrees + " degrees, scale ±" + scale
                    + ", shift " + shift);
        }
    }

    /**
     * Writes into {@code dst[off ..]} the image {@code src (height, width)} distorted by the draw of
     * {@code key} (already mixed with the image's row).
     */
    void apply(float[] src, int height, int width, float[] dst, int off, long key) {
        long a = Keys.mix(key + 1), b = Keys.mix(key + 2), c = Keys.mix(key + 3), d = Keys.mix(key + 4);
        // Math, not StrictMath: the same bits in every JIT tier (the interpreter calls the compiled code's
        // routines), and StrictMath.sin/cos allocate a scratch array per call, 64 a step
        double angle = Math.toRadians(degrees * signed(a));
        double factor = 1 + scale * signed(b);
        double tx = shift * signed(c), ty = shift * signed(d);
        // destination p = centre + factor · R(angle) · (source - centre) + t: invert it per destination pixel
        double cos = Math.cos(angle) / factor, sin = Math.sin(angle) / factor;
        double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
        for (int y = 0; y < height; y++) {
            double py = y - cy - ty;
            for (int x = 0; x < width; x++) {
                double px = x - cx - tx;
                double sx = cos * px + sin * py + cx, sy = -sin * px + cos * py + cy;
                dst[off + y * width + x] = bilinear(src, height, width, sx, sy);
            }
        }
    }

    /** A uniform number in [-1, 1) from the top 53 bits of a hash. */
    private static double signed(long hash) {
        return (hash >>> 11) * 0x1.0p-52 - 1;
    }

    private static float bilinear(float[] src, int height, int width, double sx, double sy) {
        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
        if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) {
            return 0f;
        }
        double fx = sx - x0, fy = sy - y0;
        double top = (1 - fx) * pixel(src, height, width, y0, x0) + fx * pixel(src, height, width, y0, x0 + 1);
        double bottom = (1 - fx) * pixel(src, height, width, y0 + 1, x0) + fx * pixel(src, height, width, y0 + 1, x0 + 1);
        return (float) ((1 - fy) * top + fy * bottom);
    }

    private static float pixel(float[] src, int height, int width, int y, int x) {
        return y < 0 || y >= height || x < 0 || x >= width ? 0f : src[y * width + x];
    }

    /** As {@code --augment} writes it: {@code 10,0.1,2} (degrees, scale, shift). */
    public String id() {
        return degrees + "," + scale + "," + shift;
    }

    /** Parses {@code DEGREES,SCALE,SHIFT}, e.g. {@code 10,0.1,2}. */
    public static Augmentation parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected DEGREES,SCALE,SHIFT like 10,0.1,2, got '" + text + "'");
        }
        try {
            return new Augmentation(Float.parseFloat(parts[0].strip()), Float.parseFloat(parts[1].strip()),
                    Float.parseFloat(parts[2].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected DEGREES,SCALE,SHIFT like 10,0.1,2, got '" + text + "'");
        }
    }
}
