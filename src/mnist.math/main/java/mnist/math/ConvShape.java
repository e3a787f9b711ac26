package mnist.math;

/**
 * The shape of a 2-D convolution over one sample: {@code in} channels of {@code height x width} in,
 * {@code out} channels out, square kernels of {@code kernel x kernel}, stride 1, {@code pad} zeros on
 * every side ({@code kernel / 2} for 'same' with an odd kernel, 0 for 'valid').
 * <pre>
 *   x (in, height, width)   w (out, in, kernel, kernel)   b (out)
 *   y (out, outHeight, outWidth),  outHeight = height + 2·pad - kernel + 1
 *   y[o][r][c] = b[o] + Σ_{i, u, v} w[o][i][u][v] · x[i][r + u - pad][c + v - pad]   (x is 0 outside)
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
    }

    public int outHeight() {
        return height + 2 * pad - kernel + 1;
    }

    public int outWidth() {
        return width + 2 * pad - kernel + 1;
    }

    /** Floats of one sample's input, in · height · width. */
    public int inSize() {
        return in * height * width;
    }

    /** Floats of one sample's output, out · outHeight · outWidth. */
    public int outSize() {
        return out * outHeight() * outWidth();
    }

    /** The weights of one output channel, in · kernel · kernel: the terms of each output's sum. */
    public int terms() {
        return in * kernel * kernel;
    }

    /** All the weights, out · in · kernel · kernel. */
    public int weights() {
        return out * terms();
    }
}
