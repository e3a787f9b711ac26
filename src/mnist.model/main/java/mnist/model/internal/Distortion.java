package mnist.model.internal;

import mnist.model.Augmentation;

/** The distortions of an {@link Augmentation}, drawn and applied to one image (see its comment). */
public final class Distortion {
    private Distortion() {
    }

    /**
     * Writes into {@code dst[off ..]} the image {@code src (height, width)} distorted by {@code augmentation}'s
     * draw for {@code key} (already mixed with the image's row).
     */
    public static void apply(Augmentation augmentation, float[] src, int height, int width, float[] dst, int off,
                             long key) {
        float degrees = augmentation.degrees(), scale = augmentation.scale(), shift = augmentation.shift();
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
}
