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
