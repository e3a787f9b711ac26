package mnist.model.internal;

import mnist.math.internal.Kernels;

/**
 * Where a trainer keeps the parameters while it trains. When the inputs are mostly zeros (MNIST's
 * pixels: about 81%) and the first layer is wide enough, the first layer runs on sparse kernels, which
 * read and write its weights in panels ({@link Kernels#packPanels}): for a few outputs at a time, the
 * weights of each input side by side; the trainer
 * then holds a copy of the parameters laid out as the network's except for that block, and gradients
 * in the same layout. SGD, momentum, Adam and weight decay work element by element, so they do not
 * care. The network's own layout is restored for validation, checkpoints and the end of training.
 *
 * <p>The sparse kernels give the same bits as the dense ones (a zero term leaves a chain of fused
 * multiply-adds unchanged), so this choice changes the speed, not the result.
 */
final class TrainingLayout {
    /** Inputs with more than this share of non-zeros go through the dense kernels. */
    static final double MAX_DENSITY = 0.4;
    /** The first layer needs this many outputs (a whole number of panels) for its sparse kernels to pay. */
    static final int MIN_OUTPUTS = 32;

    private final Network network;
    private final Kernels kernels;
    private final boolean sparse;

    private TrainingLayout(Network network, Kernels kernels, boolean sparse) {
        this.network = network;
        this.kernels = kernels;
        this.sparse = sparse;
    }

    /** {@code -Dmnist.sparse=false} turns the sparse first layer off, to compare it with the dense one. */
    static final boolean ENABLED = !"false".equals(System.getProperty("mnist.sparse"));

    /** The layout for a network whose inputs have {@code density} non-zeros (0 to 1). */
    static TrainingLayout choose(Network network, Kernels kernels, double density) {
        int out = network.layer(0).out();
        return new TrainingLayout(network, kernels,
                ENABLED && !network.hasFront() && density <= MAX_DENSITY && out >= MIN_OUTPUTS && out % kernels.sparsePanel() == 0);
    }

    /** Whether the first layer runs on sparse inputs, its weights in panels. */
    boolean sparse() {
        return sparse;
    }

    /**
     * Where the network's parameters start in an array of this layout: {@link Kernels#ALIGNED_START} for the
     * sparse layout (its own arrays), so that the first layer's panels start a cache line, and every
     * panel's run of one input's weights with them (the sparse kernels' loads); 0 when the layouts agree.
     */
    int shift() {
        return sparse ? Kernels.ALIGNED_START : 0;
    }

    /** The length of an array of this layout for {@code parameterCount} parameters: parameters, gradients, optimizer state. */
    int length(int parameterCount) {
        return shift() + parameterCount;
    }

    /** The array to train in: {@code params} itself when the layouts agree, else a new one. */
    float[] trainingArray(float[] params) {
        return sparse ? new float[length(params.length)] : params;
    }

    /** Copies {@code params} (the network's layout) into {@code training} (this layout). */
    void toTraining(float[] params, float[] training) {
        convert(params, training, true);
    }

    /** Copies {@code training} (this layout) into {@code params} (the network's layout). */
    void toNetwork(float[] training, float[] params) {
        convert(training, params, false);
    }

    private void convert(float[] from, float[] to, boolean toPanels) {
        if (from == to) {
            return;
        }
        if (!sparse) {
            System.arraycopy(from, 0, to, 0, to.length);
            return;
        }
        Layer first = network.layer(0);
        int w = first.weightOffset(), end = w + first.out() * first.in(), count = network.parameters().length;
        int f = toPanels ? 0 : shift(), t = toPanels ? shift() : 0;   // where the parameters start in from, to
        System.arraycopy(from, f, to, t, w);
        System.arraycopy(from, f + end, to, t + end, count - end);
        if (toPanels) {
            kernels.packPanels(to, t + w, from, f + w, first.out(), first.in());
        } else {
            kernels.unpackPanels(to, t + w, from, f + w, first.out(), first.in());
        }
    }
}
