package mnist.math.internal;

/**
 * The shape of a 2-D convolution over one sample: {@code in} channels of {@code height x width} in,
 * {@code out} channels out, square kernels of {@code kernel x kernel}, stride 1, {@code pad} zeros on
 * every side ({@code kernel / 2} for 'same' with an odd kernel, 0 for 'valid'). Channels last:
 * <pre>
 *   x (height, width, in)   w (out, kernel, kernel, in)   b (out)
 *   y (outHeight, outWidth, out),  outHeight = height + 2·pad - kernel + 1
 *   y[r][c][o] = b[o] + Σ_{u, v, i} w[o][u][v][i] · x[r + u - pad][c + v - pad][i]   (x is 0 outside)
 * </pre>
 */
public record ConvShape(int in, int height, int width, int out, int kernel, int pad) {

    public ConvShape {
        if (in < 1 || height < 1 || width < 1 || out < 1 || kernel < 1 || pad < 0) {
            throw new IllegalArgumentException("bad convolution shape: " + in + "x" + height + "x" + width + " -> "
                    + out + " channels, kernel " + kernel + ", padding " + pad);
        }
        if (height + 2 * pad < kernel || width + 2 * pad < kernel) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel does not fit " + height + "x"
                    + width + " with padding " + pad);
        }
        long outHeight = height + 2L * pad - kernel + 1, outWidth = width + 2L * pad - kernel + 1;
        long terms = (long) in * kernel * kernel;
        long largest = Math.max(Math.max((long) in * height * width, out * outHeight * outWidth),
                Math.max(out * terms, terms * outHeight * outWidth));
        if (largest > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("convolution too large: " + in + "x" + height + "x" + width + " -> " + out
                    + " channels of " + kernel + "x" + kernel + " needs arrays of " + largest + " floats");
        }
    }

    public int outHeight() {
        return height + 2 * pad - kernel + 1;
    }

    public int outWidth() {
        return width + 2 * pad - kernel + 1;
    }

    /** Output positions of one sample, outHeight · outWidth: the rows of its unrolled input. */
    public int positions() {
        return outHeight() * outWidth();
    }

    /** Floats of one sample's input, in · height · width. */
    public int inSize() {
        return in * height * width;
    }

    /** Floats of one sample's output, out · outHeight · outWidth. */
    public int outSize() {
        return out * outHeight() * outWidth();
    }

    /** The weights of one output channel, kernel · kernel · in: the terms of each output's sum. */
    public int terms() {
        return in * kernel * kernel;
    }

    /** All the weights, out · in · kernel · kernel. */
    public int weights() {
        return out * terms();
    }
}
