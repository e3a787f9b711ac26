package mnist.model.internal;

import mnist.math.internal.ConvShape;
import mnist.math.internal.Kernels;
import mnist.math.internal.SparseBatch;
import mnist.model.Activation;

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
 *
 * <p>A network with a convolutional front runs it first, and its last output, flattened, is X of the
 * first dense layer; backward, dX of that layer goes back through the front. Activations there are
 * channels-last (sample, row, column, channel), and a convolution is a dense layer over the rows of its
 * unrolled input C = im2col(X), one row per sample and output position (for an input of few channels,
 * an image, the same sums are computed from X directly, without C: {@link #direct}):
 * <pre>
 *   conv:  C = im2col(X)   Y = act(C Wᵀ + b)   dZ = dY · act'   dW = (1/m) dZᵀ C   dX = col2im(dZ W)
 *   pool:  Y = max of each 2x2                 dX = dY at each maximum, 0 elsewhere
 * </pre>
 * Dropout after a dense hidden layer (training only, {@link #forwardBackwardRows}) zeroes each unit with
 * probability p and scales the others by 1/(1-p); its backward applies the same mask and scale.
 */
public final class Backprop {
    private final Network network;
    private final Kernels kernels;
    private final int capacity;
    /** Where the network's parameters start in the arrays of parameters and gradients this is given (TrainingLayout#shift). */
    private final int shift;
    /** z[l] and a[l]: pre-activation and activation of dense layer l, each (capacity, out of layer l). */
    private final float[][] z;
    private final float[][] a;
    /** dz[l]: the loss gradient with respect to z[l]; also holds dA on its way back. Made by the first backward. */
    private float[][] dz;
    /** fa[s]: the output of front stage s (capacity, its out size), after the activation. */
    private final float[][] fa;
    /** fd[s]: the gradient with respect to fa[s], then (convolutions) to their pre-activation. Made by the first backward. */
    private float[][] fd;
    /** Per pooling stage, the index of each output's maximum in its input. */
    private final int[][] argmax;
    /** Per convolution, its unrolled input (capacity · positions, terms). */
    private final float[][] cols;
    /** The gradient of an unrolled input, for every convolution but the first. Made by the first backward. */
    private float[] dcols;
    private float[] xin;   // a front network's inputs, when they do not start at 0 of the caller's array
    /** Each row's loss term, for a softmax output: written by the parts of a split step, row by row. */
    private final double[] rowLoss;

    /** Buffers for batches of up to {@code capacity} samples, on arrays of parameters in the network's layout. */
    public Backprop(Network network, Kernels kernels, int capacity) {
        this(network, kernels, capacity, 0);
    }

    /**
     * Buffers for batches of up to {@code capacity} samples, on arrays of parameters and gradients in which
     * the network's start at {@code shift} (a {@link TrainingLayout}'s); the dense passes, which read
     * the network's own array, need a shift of 0.
     */
    Backprop(Network network, Kernels kernels, int capacity, int shift) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.network = network;
        this.kernels = kernels;
        this.capacity = capacity;
        if (shift < 0) {
            throw new IllegalArgumentException("negative parameter shift " + shift);
        }
        this.shift = shift;
        int layers = network.layerCount();
        z = new float[layers][];
        a = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int size = Math.multiplyExact(capacity, network.layer(l).out());
            z[l] = new float[size];
            a[l] = new float[size];
        }
        rowLoss = network.output() == Output.SOFTMAX ? new double[capacity] : null;
        int stages = network.stageCount();
        fa = new float[stages][];
        argmax = new int[stages][];
        cols = new float[stages][];
        for (int s = 0; s < stages; s++) {
            Stage stage = network.stage(s);
            fa[s] = new float[Math.multiplyExact(capacity, stage.outSize())];
            if (stage instanceof Stage.Pool) {
                argmax[s] = new int[fa[s].length];
            } else if (!direct(((Stage.Conv) stage).shape())) {
                ConvShape shape = ((Stage.Conv) stage).shape();
                cols[s] = new float[Math.multiplyExact(capacity, Math.multiplyExact(shape.positions(), shape.terms()))];
            }
        }
    }

    /**
     * Whether a convolution of this shape runs directly on its input ({@link Kernels#convForward},
     * {@link Kernels#convWeightGrad}) rather than over its unrolled input: when the input has few channels,
     * an image's, im2col's rows are runs of a few floats to copy (for 5x5 kernels on one channel, five),
     * and the unrolled input 25 times the image. The same values either way.
     */
    public static boolean direct(ConvShape shape) {
        return shape.in() <= 3;
    }

    /**
     * The floats of the widest buffer of a chunk of inference, at most (when a network's widest
     * activation takes more than its share: a convolution's unrolled input is 78,400 floats a sample for
     * 16 channels of 5x5 over 14x14).
     */
    private static final int CHUNK_FLOATS = 1 << 22;

    /**
     * The largest batch, at most {@code max}, whose widest buffer (an activation, or a convolution's
     * unrolled input) holds at most about 4M floats: what bounds the memory of inference.
     */
    public static int chunkFor(Network network, int max) {
        return Math.max(1, Math.min(max, CHUNK_FLOATS / network.widestActivation()));
    }

    public int capacity() {
        return capacity;
    }

    /**
     * The output of front stage s for the last forward pass, (n, height, width, channels) channels last,
     * after the activation; valid until the next call. For pictures of what a convolution sees.
     */
    public float[] stageOutput(int s) {
        return fa[s];
    }

    /**
     * Makes the buffers of the backward pass, once. A split step ({@link #forwardBackwardRows}) needs them
     * made before its parts start: made lazily by the parts themselves, two threads could each make their
     * own and one part's rows would land in an array the other then replaced (a race that changed a cold
     * JVM's first step about once in a hundred runs).
     */
    void gradientBuffers() {
        if (dz != null) {
            return;
        }
        float[][] d = new float[network.layerCount()][];
        for (int l = 0; l < d.length; l++) {
            d[l] = new float[z[l].length];
        }
        float[][] f = new float[network.stageCount()][];
        int widest = 0;
        for (int s = 0; s < f.length; s++) {
            f[s] = new float[fa[s].length];
            if (s > 0 && network.stage(s) instanceof Stage.Conv conv) {
                ConvShape shape = conv.shape();
                widest = Math.max(widest, Math.multiplyExact(capacity, Math.multiplyExact(shape.positions(), shape.terms())));
            }
        }
        dcols = new float[widest];
        fd = f;
        dz = d;
    }

    /**
     * Runs the forward pass of rows {@code [0, n)} of the batch starting at {@code x[xOff]} and returns
     * the output activations (n, outputs): probabilities, valid until the next call.
     */
    public float[] forward(float[] x, int xOff, int n) {
        checkBatch(n);
        networkLayout();
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
        if (network.hasFront()) {
            input = frontForward(params, x, xOff, n);
            inputOff = 0;
        }
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            if (l == 0 && sx != null) {
                kernels.sparseLinearForward(z[l], sx, params, weights(layer), params, biases(layer), layer.out());
            } else {
                kernels.linearForward(z[l], input, inputOff, params, weights(layer), params, biases(layer),
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

    /** The front over the whole batch, its samples split over the kernels' threads; returns its output. */
    private float[] frontForward(float[] params, float[] x, int xOff, int n) {
        float[] input = x;
        if (xOff != 0) {
            int size = network.inputSize();
            if (xin == null) {
                xin = new float[Math.multiplyExact(capacity, size)];
            }
            System.arraycopy(x, xOff, xin, 0, n * size);
            input = xin;
        }
        float[] in = input;
        int parts = Math.min(kernels.threads(), n);
        kernels.split(parts, (part, k) -> frontForwardRows(k, params, in, n, bound(n, parts, part), bound(n, parts, part + 1)));
        return fa[network.stageCount() - 1];
    }

    private static int bound(int total, int parts, int i) {
        return (int) ((long) total * i / parts);
    }

    /** Samples [r0, r1) of the front: each stage's output from the one before (x for the first). */
    private void frontForwardRows(Kernels k, float[] params, float[] x, int n, int r0, int r1) {
        float[] input = x;
        for (int s = 0; s < network.stageCount(); s++) {
            Stage stage = network.stage(s);
            if (stage instanceof Stage.Conv conv) {
                ConvShape shape = conv.shape();
                int p = shape.positions();
                if (direct(shape)) {
                    k.convForward(fa[s], input, params, weights(conv), params, biases(conv), shape, n, r0, r1);
                } else {
                    for (int i = r0; i < r1; i++) {   // a sample at a time: its unrolled input is still in cache for the product
                        k.im2col(cols[s], input, shape, n, i, i + 1);
                        k.linearForwardRows(fa[s], cols[s], params, weights(conv), params, biases(conv), n * p,
                                shape.terms(), shape.out(), i * p, (i + 1) * p);
                    }
                }
                int size = conv.outSize();
                if (network.activation() == Activation.SIGMOID) {
                    k.sigmoid(fa[s], fa[s], r0 * size, r1 * size);
                } else {
                    k.relu(fa[s], fa[s], r0 * size, r1 * size);
                }
            } else {
                Stage.Pool pool = (Stage.Pool) stage;
                k.maxPool2(fa[s], argmax[s], input, pool.channels(), pool.height(), pool.width(), n, r0, r1);
            }
            input = fa[s];
        }
    }

    /**
     * The mean loss of the last forward pass over its n samples against targets y: binary or
     * categorical cross-entropy, computed from the logits so that it stays finite in float.
     */
    public double loss(float[] y, int n) {
        return loss(kernels, y, n);
    }

    /**
     * The mean loss of the batch of n after {@link #forwardBackwardRows} of all its rows: from the rows'
     * terms for a softmax output (the same double as {@link #loss}), else computed now on kernels k.
     */
    double splitLoss(Kernels k, float[] y, int n) {
        return rowLoss != null ? Kernels.sumRowLosses(rowLoss, n) / n : loss(k, y, n);
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
        networkLayout();
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
        gradientBuffers();
        float scale = 1f / n;
        int last = network.layerCount() - 1;
        boolean front = network.hasFront();
        // Sigmoid with binary cross-entropy and softmax with categorical cross-entropy share dZ = A - Y.
        kernels.subtract(dz[last], a[last], y, n * network.outputSize());
        for (int l = last; l >= 0; l--) {
            Layer layer = network.layer(l);
            if (l == 0 && sx != null) {
                // dW1 = (1/m) dZ1ᵀ X, over the non-zero inputs only, in panels
                kernels.sparseWeightGrad(grads, weights(layer), sx, dz[l], layer.out(), scale);
            } else {
                int inputOff = l == 0 && !front ? xOff : 0;
                kernels.linearWeightGrad(grads, weights(layer), dz[l], denseInput(l, x), inputOff, n, layer.in(),
                        layer.out(), scale);
            }
            kernels.linearBiasGrad(grads, biases(layer), dz[l], n, layer.out(), scale);
            if (l > 0) {
                // dA of the layer below, then through its activation, in place:
                // sigmoid dZ = dA * A * (1 - A); ReLU dZ = dA where A > 0, else 0.
                kernels.linearInputGrad(dz[l - 1], dz[l], params, weights(layer), n, layer.in(), layer.out());
                if (network.activation() == Activation.SIGMOID) {
                    kernels.sigmoidBackward(dz[l - 1], dz[l - 1], a[l - 1], n * layer.in());
                } else {
                    kernels.reluBackward(dz[l - 1], dz[l - 1], a[l - 1], n * layer.in());
                }
            }
        }
        if (front) {
            Layer first = network.layer(0);
            kernels.linearInputGrad(fd[network.stageCount() - 1], dz[0], params, weights(first), n, first.in(), first.out());
            frontBackwardRows(kernels, params, n, 0, n);
            float[] input = xOff == 0 ? x : xin;   // as frontForward read it
            for (int s = 0; s < network.stageCount(); s++) {
                if (network.stage(s) instanceof Stage.Conv conv) {
                    if (direct(conv.shape())) {
                        directStageGradients(kernels, s, input, n, grads, 0, conv.shape().terms(), 0, conv.shape().out());
                    } else {
                        stageGradients(kernels, s, n, grads, 0, conv.shape().out());
                    }
                }
            }
        }
    }

    /** Samples [r0, r1) of the front, backward from fd of its last stage: each stage's fd, through its activation. */
    private void frontBackwardRows(Kernels k, float[] params, int n, int r0, int r1) {
        for (int s = network.stageCount() - 1; s >= 0; s--) {
            Stage stage = network.stage(s);
            if (stage instanceof Stage.Conv conv) {
                int size = conv.outSize();
                if (network.activation() == Activation.SIGMOID) {
                    k.sigmoidBackward(fd[s], fd[s], fa[s], r0 * size, r1 * size);
                } else {
                    k.reluBackward(fd[s], fd[s], fa[s], r0 * size, r1 * size);
                }
                if (s > 0) {
                    ConvShape shape = conv.shape();
                    int p = shape.positions();
                    for (int i = r0; i < r1; i++) {
                        k.linearInputGradRows(dcols, fd[s], params, weights(conv), n * p, shape.terms(), shape.out(),
                                i * p, (i + 1) * p);
                        k.col2im(fd[s - 1], dcols, shape, n, i, i + 1);
                    }
                }
            } else if (s > 0) {
                Stage.Pool pool = (Stage.Pool) stage;
                k.maxPool2Backward(fd[s - 1], fd[s], argmax[s], pool.channels(), pool.height(), pool.width(), n, r0, r1);
            }
        }
    }

    // ---- a step split over threads (Kernels.split): first each part its rows, then its outputs -------

    /**
     * Outputs [o0, o1) (whole panels) of the sparse first layer's Z for every row of the batch sx: a part's
     * share when the first layer is split by outputs, before {@link #forwardBackwardRows} with firstDone.
     */
    void sparseFirstLayer(Kernels k, float[] params, SparseBatch sx, int o0, int o1) {
        Layer layer = network.layer(0);
        k.sparseLinearForwardOutputs(z[0], sx, params, weights(layer), params, biases(layer), layer.out(), o0, o1);
    }

    /** The dropout masks of the next {@link #forwardBackwardRows}: a function of this key, the row and the unit. */
    private long dropoutKey;

    /** Sets the key of the dropout masks (a new one every step); the masks depend on nothing else. */
    void dropoutKey(long key) {
        dropoutKey = key;
    }

    /**
     * Rows [r0, r1) of a batch of n, on one part's kernels k: the forward pass, dZ of the last layer
     * (A - Y), and back through every layer to dZ of the first (and through the front). params are in
     * the {@link TrainingLayout}; the batch is x (n, inputs), dense, or sx, sparse (then x is null).
     * The same bits as {@link #forward} then {@link #backward} of the whole batch, however the rows are
     * split (with dropout: the same masks however the rows are split). With firstDone, Z of the sparse
     * first layer is already made ({@link #sparseFirstLayer}).
     */
    void forwardBackwardRows(Kernels k, float[] params, float[] x, SparseBatch sx, float[] y, int n, int r0, int r1,
                             boolean firstDone) {
        checkBatch(n);
        if (dz == null) {
            throw new IllegalStateException("gradientBuffers() must be made before the step is split");
        }
        int last = network.layerCount() - 1;
        if (network.hasFront()) {
            frontForwardRows(k, params, x, n, r0, r1);
        }
        float[] input = denseInput(0, x);
        for (int l = 0; l <= last; l++) {                                       // forward
            Layer layer = network.layer(l);
            int out = layer.out();
            if (l == 0 && sx != null) {
                if (!firstDone) {
                    k.sparseLinearForward(z[l], sx, params, weights(layer), params, biases(layer), out,
                            r0, r1);
                }
            } else {
                k.linearForwardRows(z[l], input, params, weights(layer), params, biases(layer),
                        n, layer.in(), out, r0, r1);
            }
            if (l == last && network.output() == Output.SOFTMAX) {
                k.softmaxRowsWithLoss(a[l], rowLoss, z[l], y, n, out, r0, r1);   // and the rows' loss
            } else if (l == last || network.activation() == Activation.SIGMOID) {
                k.sigmoid(a[l], z[l], r0 * out, r1 * out);
            } else {
                k.relu(a[l], z[l], r0 * out, r1 * out);
            }
            if (l < last && network.dropout(l) > 0) {
                dropout(a[l], l, out, r0, r1);
            }
            input = a[l];
        }
        int outputs = network.outputSize();
        k.subtract(dz[last], a[last], y, r0 * outputs, r1 * outputs);         // loss gradient dZ = A - Y
        for (int l = last; l > 0; l--) {                                        // backward, to dZ of layer 0
            Layer layer = network.layer(l);
            int in = layer.in();
            k.linearInputGradRows(dz[l - 1], dz[l], params, weights(layer), n, in, layer.out(), r0, r1);
            if (network.activation() == Activation.SIGMOID) {
                k.sigmoidBackward(dz[l - 1], dz[l - 1], a[l - 1], r0 * in, r1 * in);
            } else {
                // with dropout, A is 0 where a unit was dropped: ReLU's backward drops its gradient too
                k.reluBackward(dz[l - 1], dz[l - 1], a[l - 1], r0 * in, r1 * in);
                if (network.dropout(l - 1) > 0) {
                    scale(dz[l - 1], r0 * in, r1 * in, 1f / (1f - network.dropout(l - 1)));
                }
            }
        }
        if (network.hasFront()) {                                                // and back through the front
            Layer first = network.layer(0);
            k.linearInputGradRows(fd[network.stageCount() - 1], dz[0], params, weights(first), n, first.in(),
                    first.out(), r0, r1);
            frontBackwardRows(k, params, n, r0, r1);
        }
    }

    /** Inverted dropout on rows [r0, r1) of a (n, units) of dense layer l: each unit kept with probability 1 - p, then scaled by 1/(1 - p). */
    private void dropout(float[] act, int l, int units, int r0, int r1) {
        float rate = network.dropout(l);
        float keep = 1f / (1f - rate);
        // a unit is dropped when the top 24 bits of its hash, as a fraction of 2^24, are below the rate
        int threshold = (int) Math.ceil(rate * (1 << 24));
        long layerKey = Keys.mix(dropoutKey + 0x9E3779B97F4A7C15L * (l + 1));
        for (int r = r0; r < r1; r++) {
            long rowKey = Keys.mix(layerKey ^ (r * 0xC2B2AE3D27D4EB4FL));
            for (int j = 0, p = r * units; j < units; j++, p++) {
                int bits = (int) (Keys.mix(rowKey + j) >>> 40);
                act[p] = bits < threshold ? 0f : act[p] * keep;
            }
        }
    }

    private static void scale(float[] v, int from, int to, float factor) {
        for (int i = from; i < to; i++) {
            v[i] *= factor;
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
            k.sparseWeightGrad(grads, weights(layer), sx, dz[0], layer.out(), scale, o0, o1);
        } else {
            k.linearWeightGrad(grads, weights(layer), dz[l], denseInput(l, x), 0, n, layer.in(), layer.out(), scale,
                    o0, o1);
        }
        k.linearBiasGrad(grads, biases(layer), dz[l], n, layer.out(), scale, o0, o1);
    }

    /**
     * Output channels [o0, o1) of front stage s, a convolution, after {@link #forwardBackwardRows} of
     * every row of the batch: the gradients of their weights and biases into grads, each a sum over the
     * n samples' positions in order.
     */
    void stageGradients(Kernels k, int s, int n, float[] grads, int o0, int o1) {
        Stage.Conv conv = (Stage.Conv) network.stage(s);
        ConvShape shape = conv.shape();
        int rows = n * shape.positions();
        k.linearWeightGrad(grads, weights(conv), fd[s], cols[s], 0, rows, shape.terms(), shape.out(), 1f / n, o0, o1);
        k.linearBiasGrad(grads, biases(conv), fd[s], rows, shape.out(), 1f / n, o0, o1);
    }

    /**
     * For front stage s, a convolution run {@link #direct}ly, after {@link #forwardBackwardRows} of every row
     * of the batch x: the gradients of its weights of window terms [t0, t1) (every output channel) and of
     * its biases [o0, o1) into grads, each a sum over the n samples' positions in order.
     */
    void directStageGradients(Kernels k, int s, float[] x, int n, float[] grads, int t0, int t1, int o0, int o1) {
        Stage.Conv conv = (Stage.Conv) network.stage(s);
        ConvShape shape = conv.shape();
        k.convWeightGrad(grads, weights(conv), fd[s], s == 0 ? x : fa[s - 1], shape, n, 1f / n, t0, t1);
        k.linearBiasGrad(grads, biases(conv), fd[s], n * shape.positions(), shape.out(), 1f / n, o0, o1);
    }

    /** The input of dense layer l: the layer below's activation, the front's output, or the batch x. */
    private float[] denseInput(int l, float[] x) {
        return l > 0 ? a[l - 1] : network.hasFront() ? fa[network.stageCount() - 1] : x;
    }

    /** Where layer l's weights start in the arrays of parameters and gradients this is given. */
    private int weights(Layer l) {
        return shift + l.weightOffset();
    }

    /** Where layer l's biases start in the arrays of parameters and gradients this is given. */
    private int biases(Layer l) {
        return shift + l.biasOffset();
    }

    /** Where convolution c's weights start in the arrays of parameters and gradients this is given. */
    private int weights(Stage.Conv c) {
        return shift + c.weightOffset();
    }

    /** Where convolution c's biases start in the arrays of parameters and gradients this is given. */
    private int biases(Stage.Conv c) {
        return shift + c.biasOffset();
    }

    /** Refuses the passes over the network's own array when this was made for a shifted layout. */
    private void networkLayout() {
        if (shift != 0) {
            throw new IllegalStateException("a pass over the network's parameters by a Backprop for a layout shifted by " + shift);
        }
    }

    private void checkBatch(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("batch of " + n + " samples does not fit buffers for " + capacity);
        }
    }
}
