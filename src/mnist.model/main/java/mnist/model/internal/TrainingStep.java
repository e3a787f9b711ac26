package mnist.model.internal;

import mnist.math.internal.Kernels;
import mnist.math.internal.SparseBatch;
import mnist.model.Augmentation;

/**
 * One step of minibatch training, as the lecture writes it: gather the batch, forward, loss, backward,
 * update. It owns every buffer the step needs, made once: a step allocates nothing (but the handoffs
 * to the worker threads, a few dozen bytes each).
 *
 * <p>The parameters it updates are in the {@link TrainingLayout} ({@link #parameters()}); the caller
 * converts them to the network's layout when it needs them there.
 */
final class TrainingStep {
    private final Network network;
    private final Kernels kernels;
    private final TrainingInputs inputs;
    private final float[] y;
    private final Updater optimizer;
    private final float weightDecay;
    private final Backprop backprop;
    private final int shift;         // where the network's parameters start in work, grads and the optimizer's state
    private final float[] work;
    private final float[] grads;
    private final float[] xb;        // the batch's inputs, dense (null with a sparse first layer)
    private final SparseBatch sb;    // the batch's inputs, sparse (null with a dense first layer)
    private final float[] yb;
    private final int[] lengths;     // the batch's rows' non-zeros (sparse first layer)
    private final int[] touched;     // per part, what TrainingInputs.touch read (kept, so that it is read)
    private Augmentation augmentation;   // null for none
    private int height, width;           // of the images augmented
    private float[][] original;          // per part, an image before its distortion

    /**
     * A step over batches of up to {@code batch} samples of {@code inputs}, whose targets are the rows
     * of {@code y (n, outputs)}; the step works on a copy of the network's parameters in {@code layout}
     * (the network's own array when the layouts agree), made now.
     */
    TrainingStep(Network network, Kernels kernels, TrainingLayout layout, TrainingInputs inputs, float[] y, int batch,
                 Updater optimizer, float weightDecay) {
        this.network = network;
        this.kernels = kernels;
        this.inputs = inputs;
        this.y = y;
        this.optimizer = optimizer;
        this.weightDecay = weightDecay;
        int features = network.inputSize();
        shift = layout.shift();
        backprop = new Backprop(network, kernels, batch, shift);
        backprop.gradientBuffers();   // here, not by the parts of the first step at once
        float[] params = network.parameters();
        work = layout.trainingArray(params);
        layout.toTraining(params, work);
        grads = new float[work.length];
        xb = layout.sparse() ? null : new float[batch * features];
        sb = layout.sparse() ? new SparseBatch(features, batch, batch * features) : null;
        yb = new float[batch * network.outputSize()];
        lengths = new int[batch];
        touched = new int[kernels.threads()];
    }

    /** Distorts every image of every batch (dense first layer only), images of {@code height x width}. */
    void augment(Augmentation augmentation, int height, int width) {
        if (sb != null) {
            throw new IllegalStateException("augmentation needs the dense first layer");
        }
        if ((long) height * width != network.inputSize()) {
            throw new IllegalArgumentException(height + "x" + width + " images for " + network.inputSize() + " inputs");
        }
        this.augmentation = augmentation;
        this.height = height;
        this.width = width;
        original = new float[kernels.threads()][height * width];
    }

    /** The parameters the step updates, in the training layout. */
    float[] parameters() {
        return work;
    }

    /**
     * Trains on samples {@code order[from .. from + rows)} with learning rate lr, and returns the batch's
     * mean loss before the update; when that loss is not finite, nothing is updated.
     *
     * <p>With several threads the step is three splits ({@link Kernels#split}), one handoff each. Gathering
     * and the forward and backward passes go row by row, so for them each thread takes a range of the
     * batch's rows; every weight's gradient is a sum over all the rows, so then each thread takes a range
     * of every layer's outputs, and computes and updates their weights while they are in its cache. A
     * sparse first layer's forward is a fourth split, before the rows, by those same outputs: each thread
     * reads the weights it updated. Each value is computed the same way whatever the ranges: the same
     * bits at any thread count.
     */
    double run(int[] order, int from, int rows, float lr) {
        return run(order, from, rows, lr, 0L);
    }

    /** {@link #run(int[], int, int, float)}, with {@code key} choosing the step's dropout masks and distortions. */
    double run(int[] order, int from, int rows, float lr, long key) {
        backprop.dropoutKey(key);
        this.key = key;
        this.order = order;
        this.from = from;
        this.rows = rows;
        this.lr = lr;
        rowParts = Math.min(kernels.threads(), Math.max(1, rows / MIN_ROWS_PER_PART));
        // On several threads, the sparse first layer's forward goes by outputs, as its update did: each part
        // reads the panels of weights it has just written, from its own core's cache (by rows, half of the
        // 800 KB came from the other core's: 109 us for 64 rows on two threads, 86 us now for half the outputs).
        firstParts = sb != null && rowParts > 1 ? Math.min(rowParts, network.layer(0).out() / kernels.sparsePanel()) : 1;
        if (sb != null) {
            for (int r = 0; r < rows; r++) {
                lengths[r] = inputs.nonZeros(order[from + r]);
            }
            sb.startRows(rows, lengths, rowParts);
        }
        kernels.split(rowParts, gatherPart);                                      // gather
        if (firstParts > 1) {
            kernels.split(firstParts, firstLayerPart);                            // Z of the sparse first layer
        }
        kernels.split(rowParts, rowsPart);                                        // forward, backward to dZ
        if (sb != null) {
            sb.columnsPlaced();
        }
        optimizer.begin();
        kernels.split(kernels.threads(), outputsPart);                            // loss, dW, db, update
        if (!Double.isFinite(loss)) {
            optimizer.undoBegin();
        }
        return loss;
    }

    /** Rows per part below which the row phases are not split further. */
    private static final int MIN_ROWS_PER_PART = 16;

    // the current step, for the parts
    private int[] order;
    private int from;
    private int rows;
    private float lr;
    private int rowParts;
    private int firstParts;   // parts of the sparse first layer's forward by outputs (1: with the rows instead)
    private long key;
    private double loss;
    private final Kernels.Part gatherPart = this::gather;
    private final Kernels.Part firstLayerPart = this::firstLayer;
    private final Kernels.Part rowsPart = this::forwardBackward;
    private final Kernels.Part outputsPart = this::gradientsAndUpdate;

    private int rowStart(int part) {
        return bound(rows, rowParts, part, 2);
    }

    /** Part {@code part} of the gather: its rows' targets into yb, and inputs into sb (sparse first layer) or xb. */
    private void gather(int part, Kernels k) {
        int r0 = rowStart(part), r1 = rowStart(part + 1);
        int outputs = network.outputSize();
        if (sb != null) {
            int sum = 0;
            for (int r = r0; r < r1; r++) {                 // the rows' misses at once, then the gather
                int sample = order[from + r];
                sum += inputs.touch(sample) + Float.floatToRawIntBits(y[sample * outputs]);
            }
            touched[part] = sum;
            for (int r = r0; r < r1; r++) {
                inputs.sparse(order[from + r], sb, r);
            }
            sb.countColumns(part, r0, r1);
        }
        for (int r = r0; r < r1; r++) {
            System.arraycopy(y, order[from + r] * outputs, yb, r * outputs, outputs);
        }
        if (sb == null) {
            int features = network.inputSize();
            for (int r = r0; r < r1; r++) {
                if (augmentation == null) {
                    inputs.dense(order[from + r], xb, r * features);
                } else {
                    inputs.dense(order[from + r], original[part], 0);
                    Distortion.apply(augmentation, original[part], height, width, xb, r * features,
                            Keys.mix(key ^ (r + 1) * 0xD1B54A32D192ED03L));
                }
            }
        }
    }

    /** Part {@code part} of the first layer's forward by outputs: Z for its panels of outputs, every row. */
    private void firstLayer(int part, Kernels k) {
        int out = network.layer(0).out(), panel = kernels.sparsePanel();
        backprop.sparseFirstLayer(k, work, sb, bound(out, firstParts, part, panel), bound(out, firstParts, part + 1, panel));
    }

    /** Part {@code part} of the row phase: its rows' inputs by column too, then forward, loss gradient and backward. */
    private void forwardBackward(int part, Kernels k) {
        int r0 = rowStart(part), r1 = rowStart(part + 1);
        if (sb != null) {
            sb.placeColumns(part);
        }
        backprop.forwardBackwardRows(k, work, xb, sb, yb, rows, r0, r1, firstParts > 1);
    }

    /** Part {@code part} of the output phase: the loss, then its outputs of every layer, their gradients and update. */
    private void gradientsAndUpdate(int part, Kernels k) {
        // Every part adds up the batch's loss (the rows' terms, from the row phase) rather than wait for
        // one to: when it is not finite, nothing is updated.
        double loss = backprop.splitLoss(k, yb, rows);                            // loss
        if (part == 0) {
            this.loss = loss;
        }
        if (!Double.isFinite(loss)) {
            return;
        }
        int parts = kernels.threads();
        for (int s = 0; s < network.stageCount(); s++) {
            if (network.stage(s) instanceof Stage.Conv conv) {
                int out = conv.shape().out(), terms = conv.shape().terms();
                int o0 = bound(out, parts, part, 1), o1 = bound(out, parts, part + 1, 1);
                if (Backprop.direct(conv.shape())) {
                    // each part its window terms of every channel's weights (whole vectors of channels), and its biases
                    int t0 = bound(terms, parts, part, 1), t1 = bound(terms, parts, part + 1, 1);
                    backprop.directStageGradients(k, s, xb, rows, grads, t0, t1, o0, o1);
                    for (int o = 0; o < out; o++) {
                        updateWeights(k, shift + conv.weightOffset() + o * terms + t0, t1 - t0);
                    }
                    optimizer.update(k, work, grads, lr, shift + conv.biasOffset() + o0, o1 - o0);
                } else if (o0 < o1) {
                    backprop.stageGradients(k, s, rows, grads, o0, o1);
                    update(k, shift + conv.weightOffset(), terms, shift + conv.biasOffset(), o0, o1);
                }
            }
        }
        // the last layer first: its dZ and input are still in cache from the backward pass, which ended
        // with the first layer, whose update (the largest) then goes last
        for (int l = network.layerCount() - 1; l >= 0; l--) {
            Layer layer = network.layer(l);
            int align = l == 0 && sb != null ? kernels.sparsePanel() : 4;
            int o0 = bound(layer.out(), parts, part, align), o1 = bound(layer.out(), parts, part + 1, align);
            if (o0 < o1) {
                backprop.layerGradients(k, l, xb, sb, rows, grads, o0, o1);
                update(k, shift + layer.weightOffset(), layer.in(), shift + layer.biasOffset(), o0, o1);
            }
        }
    }

    /**
     * The update of outputs [o0, o1) of a layer whose weights are rows of {@code in} from {@code weights}
     * and biases from {@code biases}: L2 weight decay, λ·W added to the gradient of every weight (biases
     * are not decayed), then the optimizer on the weights and on the biases.
     */
    private void update(Kernels k, int weights, int in, int biases, int o0, int o1) {
        updateWeights(k, weights + o0 * in, (o1 - o0) * in);
        optimizer.update(k, work, grads, lr, biases + o0, o1 - o0);
    }

    /** The update of weights [w, w + len): weight decay added to their gradient, then the optimizer. */
    private void updateWeights(Kernels k, int w, int len) {
        if (weightDecay != 0f) {
            k.axpy(grads, w, work, w, weightDecay, len);
        }
        optimizer.update(k, work, grads, lr, w, len);
    }

    /** The start of part i of parts over [0, total), a multiple of align (total for i = parts). */
    private static int bound(int total, int parts, int i, int align) {
        if (i >= parts) {
            return total;
        }
        long b = (long) total * i / parts;
        return (int) (b - b % align);
    }
}
