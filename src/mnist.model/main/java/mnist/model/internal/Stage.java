package mnist.model.internal;

import mnist.math.internal.ConvShape;

/**
 * A layer of a network's convolutional front, the layers over shaped activations (channels x height x
 * width) that come before the dense layers: a 2-D convolution followed by the hidden activation, or a
 * 2x2 max-pooling. The front's last output, flattened (channel, row, column), is the first dense layer's
 * input.
 */
public sealed interface Stage {
    /** Floats of one sample's input. */
    int inSize();

    /** Floats of one sample's output. */
    int outSize();

    /** Its output's shape, channels x height x width. */
    int[] outShape();

    /**
     * A convolution, {@code y = activation(conv(x, W) + b)}, whose weights {@code W (out, in, k, k)} and
     * biases {@code b (out)} start at these offsets of the parameter array.
     */
    record Conv(ConvShape shape, int weightOffset, int biasOffset) implements Stage {
        public int inSize() {
            return shape.inSize();
        }

        public int outSize() {
            return shape.outSize();
        }

        public int[] outShape() {
            return new int[] {shape.out(), shape.outHeight(), shape.outWidth()};
        }

    }

    /** 2x2 max-pooling, stride 2, of {@code channels x height x width} (an odd last row or column is dropped). */
    record Pool(int channels, int height, int width) implements Stage {
        public int inSize() {
            return channels * height * width;
        }

        public int outSize() {
            return channels * (height / 2) * (width / 2);
        }

        public int[] outShape() {
            return new int[] {channels, height / 2, width / 2};
        }
    }
}
