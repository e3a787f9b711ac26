package mnist.data.image;

/**
 * A decoded image as gray levels: {@code pixels (height, width)} row-major, 0 black and 1 white, any
 * transparency already composited on white, colour turned into luma (Rec. 601: 0.299 R + 0.587 G + 0.114 B).
 */
public record GrayImage(int width, int height, float[] pixels) {

    public GrayImage {
        if (width < 1 || height < 1 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixels are not an image of " + width + "x" + height);
        }
        pixels = pixels.clone();
    }

    /** A copy of the pixels. */
    @Override
    public float[] pixels() {
        return pixels.clone();
    }

    /** The gray level at column x, row y. */
    public float at(int x, int y) {
        return pixels[y * width + x];
    }
}
