package mnist.model.internal;

import mnist.math.internal.Kernels;
import mnist.model.Optimizer;

/**
 * An {@link Optimizer} at work: updates the parameters from their gradients, one step per batch. Momentum
 * and Adam keep state arrays with the layout of the parameters, so each step is one kernel call over one
 * flat array.
 */
public abstract sealed class Updater {

    /** Creates the optimizer of {@code kind} for {@code parameterCount} parameters. */
    public static Updater create(Optimizer kind, int parameterCount, float momentum) {
        return switch (kind) {
            case SGD -> new Sgd();
            case MOMENTUM -> new Momentum(parameterCount, momentum);
            case ADAM -> new Adam(parameterCount);
        };
    }

    /** Applies one step with learning rate lr to params, given the gradients of the loss. */
    public final void step(Kernels kernels, float[] params, float[] grads, float lr) {
        begin();
        update(kernels, params, grads, lr, 0, params.length);
    }

    /**
     * Starts a step whose updates come in ranges ({@link #update}), from several threads: counts the
     * step. Every parameter must then be updated exactly once before the next begin.
     */
    public void begin() {
    }

    /** Takes back the last {@link #begin} when no update followed (a batch whose loss was not finite). */
    public void undoBegin() {
    }

    /** The update of params[off .. off + len) in the step begun last; ranges may be updated from any thread. */
    public abstract void update(Kernels kernels, float[] params, float[] grads, float lr, int off, int len);

    /** The steps taken so far. */
    public int steps() {
        return 0;
    }

    /** Copies of the state arrays (none for plain SGD), for a checkpoint. */
    public float[][] state() {
        return new float[0][];
    }

    /** Continues from a checkpoint's {@link #steps()} and {@link #state()}; refuses state of another shape. */
    public void restore(int steps, float[][] state) {
        if (steps != 0 || state.length != 0) {
            throw new IllegalArgumentException("plain SGD has no state to restore");
        }
    }

    /** Copies saved arrays into live ones of the same lengths. */
    static void copyInto(float[][] saved, float[]... live) {
        if (saved.length != live.length) {
            throw new IllegalArgumentException("optimizer state has " + saved.length + " arrays, expected " + live.length);
        }
        for (int i = 0; i < live.length; i++) {
            if (saved[i].length != live[i].length) {
                throw new IllegalArgumentException("optimizer state array " + i + " has " + saved[i].length
                        + " values, expected " + live[i].length);
            }
            System.arraycopy(saved[i], 0, live[i], 0, live[i].length);
        }
    }

    /** Plain gradient descent: θ ← θ - lr·g. */
    static final class Sgd extends Updater {
        @Override
        public void update(Kernels kernels, float[] params, float[] grads, float lr, int off, int len) {
            kernels.sgdStep(params, off, grads, off, lr, len);
        }
    }

    /** Gradient descent with momentum: v ← μ·v + g, θ ← θ - lr·v. */
    static final class Momentum extends Updater {
        private final float[] velocity;
        private final float momentum;

        Momentum(int parameterCount, float momentum) {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.velocity = new float[parameterCount];
            this.momentum = momentum;
        }

        @Override
        public void update(Kernels kernels, float[] params, float[] grads, float lr, int off, int len) {
            kernels.momentumStep(params, velocity, grads, off, len, lr, momentum);
        }

        @Override
        public float[][] state() {
            return new float[][] {velocity.clone()};
        }

        @Override
        public void restore(int steps, float[][] state) {
            copyInto(state, velocity);
        }
    }

    /** Adam (Kingma and Ba, 2015) with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8 and bias correction. */
    static final class Adam extends Updater {
        private static final double BETA1 = 0.9, BETA2 = 0.999;
        private static final float EPSILON = 1e-8f;
        private final float[] m;
        private final float[] v;
        private int t;
        private float c1, c2;   // the bias corrections of step t

        Adam(int parameterCount) {
            m = new float[parameterCount];
            v = new float[parameterCount];
        }

        @Override
        public void begin() {
            t++;
            c1 = (float) (1 / (1 - Math.pow(BETA1, t)));
            c2 = (float) (1 / (1 - Math.pow(BETA2, t)));
        }

        @Override
        public void undoBegin() {
            t--;
        }

        @Override
        public void update(Kernels kernels, float[] params, float[] grads, float lr, int off, int len) {
            kernels.adamStep(params, m, v, grads, off, len, lr, (float) BETA1, (float) BETA2, EPSILON, c1, c2);
        }

        @Override
        public int steps() {
            return t;
        }

        @Override
        public float[][] state() {
            return new float[][] {m.clone(), v.clone()};
        }

        @Override
        public void restore(int steps, float[][] state) {
            if (steps < 0) {
                throw new IllegalArgumentException("negative step count " + steps);
            }
            copyInto(state, m, v);
            t = steps;
        }
    }
}
