package mnist.model;

import mnist.math.Kernels;
import mnist.math.SparseBatch;

/**
 * One step of minibatch training, as the lecture writes it: gather the batch, forward, loss, backward,
 * update. It owns every buffer the step needs, made once: a step allocates nothing.
 *
 * <p>The parameters it updates are in the {@link TrainingLayout} ({@link #parameters()}); the caller
 * converts them to the network's layout when it needs them there.
 */
final class TrainingStep {
    private final Network network;
    private final Kernels kernels;
    private final TrainingLayout layout;
    private final TrainingInputs inputs;
    private final float[] y;
    private final Optimizer optimizer;
    private final float weightDecay;
    private final Backprop backprop;
    private final float[] work;
    private final float[] grads;
    private final float[] xb;        // the batch's inputs, dense (null with a sparse first layer)
    private final SparseBatch sb;    // the batch's inputs, sparse (null with a dense first layer)
    private final float[] yb;

    /**
     * A step over batches of up to {@code batch} samples of {@code inputs}, whose targets are the rows
     * of {@code y (n, outputs)}; the step works on a copy of the network's parameters in {@code layout}
     * (the network's own array when the layouts agree), made now.
     */
    TrainingStep(Network network, Kernels kernels, TrainingLayout layout, TrainingInputs inputs, float[] y, int batch,
                 Optimizer optimizer, float weightDecay) {
        this.network = network;
        this.kernels = kernels;
        this.layout = layout;
        this.inputs = inputs;
        this.y = y;
        this.optimizer = optimizer;
        this.weightDecay = weightDecay;
        int features = network.inputSize();
        backprop = new Backprop(network, kernels, batch);
        float[] params = network.parameters();
        work = layout.trainingArray(params);
        layout.toTraining(params, work);
        grads = new float[params.length];
        xb = layout.sparse() ? null : new float[batch * features];
        sb = layout.sparse() ? new SparseBatch(features, batch, batch * features) : null;
        yb = new float[batch * network.outputSize()];
    }

    /** The parameters the step updates, in the training layout. */
    float[] parameters() {
        return work;
    }

    /**
     * Trains on samples {@code order[from .. from + rows)} with learning rate lr, and returns the batch's
     * mean loss before the update; when that loss is not finite, nothing is updated.
     */
    double run(int[] order, int from, int rows, float lr) {
        gather(order, from, rows);
        boolean sparse = layout.sparse();
        if (sparse) {
            backprop.forward(work, sb);                                           // forward
        } else {
            backprop.forward(xb, 0, rows);
        }
        double loss = backprop.loss(yb, rows);                                    // loss
        if (!Double.isFinite(loss)) {
            return loss;
        }
        if (sparse) {
            backprop.backward(work, sb, yb, grads);                               // backward
        } else {
            backprop.backward(xb, 0, yb, rows, grads);
        }
        update(lr);                                                               // update
        return loss;
    }

    /** The batch's targets into yb and its inputs into sb (sparse first layer) or xb. */
    private void gather(int[] order, int from, int rows) {
        int outputs = network.outputSize();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(y, order[from + r] * outputs, yb, r * outputs, outputs);
        }
        if (layout.sparse()) {
            sb.clear();
            for (int r = 0; r < rows; r++) {
                inputs.sparse(order[from + r], sb);
            }
            sb.finish();
        } else {
            int features = network.inputSize();
            for (int r = 0; r < rows; r++) {
                inputs.dense(order[from + r], xb, r * features);
            }
        }
    }

    /** L2 weight decay (λ·W added to the gradient of every weight matrix; biases are not decayed), then the optimizer's step. */
    private void update(float lr) {
        if (weightDecay != 0f) {
            for (int l = 0; l < network.layerCount(); l++) {
                Layer layer = network.layer(l);
                kernels.axpy(grads, layer.weightOffset(), work, layer.weightOffset(), weightDecay, layer.out() * layer.in());
            }
        }
        optimizer.step(kernels, work, grads, lr);
    }
}
