package mnist.model;

import mnist.math.Kernels;
import mnist.math.SparseBatch;

/**
 * The forward and backward passes of a {@link Network} over a batch, with the buffers they need.
 *
 * <p>A batch is {@code x (n, inputs)}, one sample per row, and targets {@code y (n, outputs)}: 0/1 for a
 * sigmoid output, one-hot rows for a softmax. The passes follow the lecture line by line:
 * <pre>
 *   Z1 = X W1ᵀ + b1      A1 = sigmoid(Z1)            (every hidden layer)
 *   Z2 = A1 W2ᵀ + b2     A2 = sigmoid(Z2) or softmax(Z2)
 *   dZ2 = A2 - Y         dW2 = (1/m) dZ2ᵀ A1         db2 = mean of dZ2
 *   dA1 = dZ2 W2         dZ1 = dA1 * A1 * (1 - A1)   dW1 = (1/m) dZ1ᵀ X   db1 = mean of dZ1
 * </pre>
 * (The lecture keeps samples in columns, so its products read transposed; the arithmetic is the same.)
 */
public final class Backprop {
    private final Network network;
    private final Kernels kernels;
    private final int capacity;
    /** z[l] and a[l]: pre-activation and activation of layer l, each (capacity, out of layer l). */
    private final float[][] z;
    private final float[][] a;
    /** dz[l]: the loss gradient with respect to z[l]; also holds dA on its way back. */
    private final float[][] dz;

    /** Buffers for batches of up to {@code capacity} samples. */
    public Backprop(Network network, Kernels kernels, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.network = network;
        this.kernels = kernels;
        this.capacity = capacity;
        int layers = network.layerCount();
        z = new float[layers][];
        a = new float[layers][];
        dz = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int size = Math.multiplyExact(capacity, network.layer(l).out());
            z[l] = new float[size];
            a[l] = new float[size];
            dz[l] = new float[size];
        }
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Runs the forward pass of rows {@code [0, n)} of the batch starting at {@code x[xOff]} and returns
     * the output activations (n, outputs): probabilities, valid until the next call.
     */
    public float[] forward(float[] x, int xOff, int n) {
        checkBatch(n);
        return forward(network.parameters(), x, xOff, null, n);
    }

    /**
     * The forward pass of a batch of sparse inputs, with {@code params} in the {@link TrainingLayout}
     * (the first layer's weights in panels); the output activations are valid until the next call.
     */
    public float[] forward(float[] params, SparseBatch x) {
        checkBatch(x.rows());
        return forward(params, null, 0, x, x.rows());
    }

    // Z = X Wᵀ + b and A = activation(Z), layer by layer; the first layer's X is sparse when sx is not null.
    private float[] forward(float[] params, float[] x, int xOff, SparseBatch sx, int n) {
        float[] input = x;
        int inputOff = xOff;
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            if (l == 0 && sx != null) {
                kernels.sparseLinearForward(z[l], sx, params, layer.weightOffset(), params, layer.biasOffset(), layer.out());
            } else {
                kernels.linearForward(z[l], input, inputOff, params, layer.weightOffset(), params, layer.biasOffset(),
                        n, layer.in(), layer.out());
            }
            int len = n * layer.out();
            boolean last = l == network.layerCount() - 1;
            if (last && network.output() == Output.SOFTMAX) {
                kernels.softmax(a[l], z[l], n, layer.out());
            } else if (last || network.activation() == Activation.SIGMOID) {
                kernels.sigmoid(a[l], z[l], len);
            } else {
                kernels.relu(a[l], z[l], len);
            }
            input = a[l];
            inputOff = 0;
        }
        return a[network.layerCount() - 1];
    }

    /**
     * The mean loss of the last forward pass over its n samples against targets y: binary or
     * categorical cross-entropy, computed from the logits so that it stays finite in float.
     */
    public double loss(float[] y, int n) {
        return loss(kernels, y, n);
    }

    /** {@link #loss(float[], int)} on kernels k (a part's, in a split step). */
    double loss(Kernels k, float[] y, int n) {
        int last = network.layerCount() - 1;
        double sum = network.output() == Output.SOFTMAX
                ? k.softmaxCrossEntropySum(z[last], y, n, network.outputSize())
                : k.binaryCrossEntropySum(z[last], y, n);
        return sum / n;
    }

    /**
     * The backward pass after {@link #forward} of the same batch: writes the gradient of the mean loss
     * with respect to every parameter into {@code grads}, laid out like the network's parameters.
     */
    public void backward(float[] x, int xOff, float[] y, int n, float[] grads) {
        checkBatch(n);
        backward(network.parameters(), x, xOff, null, y, n, grads);
    }

    /**
     * The backward pass after {@link #forward(float[], SparseBatch)} of the same batch, with params and
     * grads in the {@link TrainingLayout}.
     */
    public void backward(float[] params, SparseBatch x, float[] y, float[] grads) {
        checkBatch(x.rows());
        backward(params, null, 0, x, y, x.rows(), grads);
    }

    private void backward(float[] params, float[] x, int xOff, SparseBatch sx, float[] y, int n, float[] grads) {
        float scale = 1f / n;
        int last = network.layerCount() - 1;
        // Sigmoid with binary cross-entropy and softmax with categorical cross-entropy share dZ = A - Y.
        kernels.subtract(dz[last], a[last], y, n * network.outputSize());
        for (int l = last; l >= 0; l--) {
            Layer layer = network.layer(l);
            if (l == 0 && sx != null) {
                // dW1 = (1/m) dZ1ᵀ X, over the non-zero inputs only, in panels
                kernels.sparseWeightGrad(grads, layer.weightOffset(), sx, dz[l], layer.out(), scale);
            } else {
                float[] input = l == 0 ? x : a[l - 1];
                int inputOff = l == 0 ? xOff : 0;
                kernels.linearWeightGrad(grads, layer.weightOffset(), dz[l], input, inputOff, n, layer.in(), layer.out(), scale);
            }
            kernels.linearBiasGrad(grads, layer.biasOffset(), dz[l], n, layer.out(), scale);
            if (l > 0) {
                // dA of the layer below, then through its activation, in place:
                // sigmoid dZ = dA * A * (1 - A); ReLU dZ = dA where A > 0, else 0.
                kernels.linearInputGrad(dz[l - 1], dz[l], params, layer.weightOffset(), n, layer.in(), layer.out());
                if (network.activation() == Activation.SIGMOID) {
                    kernels.sigmoidBackward(dz[l - 1], dz[l - 1], a[l - 1], n * layer.in());
                } else {
                    kernels.reluBackward(dz[l - 1], dz[l - 1], a[l - 1], n * layer.in());
                }
            }
        }
    }

    // ---- a step split over threads (Kernels.split): first each part its rows, then its outputs -------

    /**
     * Rows [r0, r1) of a batch of n, on one part's kernels k: the forward pass, dZ of the last layer
     * (A - Y), and back through every layer to dZ of the first. params are in the {@link TrainingLayout};
     * the batch is x (n, inputs), dense, or sx, sparse (then x is null). The same bits as
     * {@link #forward} then {@link #backward} of the whole batch, however the rows are split.
     */
    void forwardBackwardRows(Kernels k, float[] params, float[] x, SparseBatch sx, float[] y, int n, int r0, int r1) {
        checkBatch(n);
        int last = network.layerCount() - 1;
        float[] input = x;
        for (int l = 0; l <= last; l++) {                                       // forward
            Layer layer = network.layer(l);
            int out = layer.out();
            if (l == 0 && sx != null) {
                k.sparseLinearForward(z[l], sx, params, layer.weightOffset(), params, layer.biasOffset(), out, r0, r1);
            } else {
                k.linearForwardRows(z[l], input, params, layer.weightOffset(), params, layer.biasOffset(),
                        n, layer.in(), out, r0, r1);
            }
            if (l == last && network.output() == Output.SOFTMAX) {
                k.softmaxRows(a[l], z[l], n, out, r0, r1);
            } else if (l == last || network.activation() == Activation.SIGMOID) {
                k.sigmoid(a[l], z[l], r0 * out, r1 * out);
            } else {
                k.relu(a[l], z[l], r0 * out, r1 * out);
            }
            input = a[l];
        }
        int outputs = network.outputSize();
        k.subtract(dz[last], a[last], y, r0 * outputs, r1 * outputs);         // loss gradient dZ = A - Y
        for (int l = last; l > 0; l--) {                                        // backward, to dZ of layer 0
            Layer layer = network.layer(l);
            int in = layer.in();
            k.linearInputGradRows(dz[l - 1], dz[l], params, layer.weightOffset(), n, in, layer.out(), r0, r1);
            if (network.activation() == Activation.SIGMOID) {
                k.sigmoidBackward(dz[l - 1], dz[l - 1], a[l - 1], r0 * in, r1 * in);
            } else {
                k.reluBackward(dz[l - 1], dz[l - 1], a[l - 1], r0 * in, r1 * in);
            }
        }
    }

    /**
     * Outputs [o0, o1) of layer l, after {@link #forwardBackwardRows} of every row of the batch: the
     * gradients of those outputs' weights (rows of W, or whole panels of a sparse first layer) and biases
     * into grads, each a sum over the n samples in order.
     */
    void layerGradients(Kernels k, int l, float[] x, SparseBatch sx, int n, float[] grads, int o0, int o1) {
        Layer layer = network.layer(l);
        float scale = 1f / n;
        if (l == 0 && sx != null) {
            k.sparseWeightGrad(grads, layer.weightOffset(), sx, dz[0], layer.out(), scale, o0, o1);
        } else {
            k.linearWeightGrad(grads, layer.weightOffset(), dz[l], l == 0 ? x : a[l - 1], 0, n, layer.in(), layer.out(),
                    scale, o0, o1);
        }
        k.linearBiasGrad(grads, layer.biasOffset(), dz[l], n, layer.out(), scale, o0, o1);
    }

    private void checkBatch(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("batch of " + n + " samples does not fit buffers for " + capacity);
        }
    }
}
