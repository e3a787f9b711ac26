package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import mnist.data.LabeledImages;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Augmentation;
import mnist.model.Initializer;
import mnist.model.Optimizer;
import org.junit.jupiter.api.Test;

/**
 * Once the JIT has compiled it, a training step allocates nothing, and neither do the lecture's
 * full-batch epoch and inference. The Vector API compiled without its intrinsics (a loop C2 compiled
 * from a profile in which it never ran, a species that is not a constant) boxes every vector: that
 * shows up here as allocation, where a timing would only be noisy. The bytes are those of every thread
 * (the workers too), counted by the JVM.
 *
 * <p>Each case runs warm-up rounds until a round of steps allocates at most what it is allowed, for at
 * most {@link #DEADLINE_SECONDS}; it fails with the bytes per step of the last round if none does. A
 * training step is allowed {@link #ALLOWED_PER_STEP} bytes: a few task objects (its three handoffs to the
 * worker threads, the loss's reduction) and nothing else (measured: 0 to 512 bytes, as the JIT's escape
 * analysis removes some of them or not; a vector boxed in a loop costs thousands). The whole-batch kernels of the
 * lecture's epoch and of inference are allowed {@link #ALLOWED_PER_CALL} bytes per kernel call: the small
 * task object (a lambda and its captured arguments, and the wrapper that splits it: 50 to 100 bytes) each
 * hands to its threads. A boxed vector in a loop costs 48 bytes per vector per iteration, thousands of
 * bytes per call (before the fixes this test came with: 87,392 bytes a training step, 2.4 MB a full-batch
 * epoch; a single-row tail of the packed forward with masked stores: 14 KB a 2-thread step).
 */
class NoAllocationTest {
    private static final double DEADLINE_SECONDS = 40;
    /** Bytes per kernel call allowed: the task object of the call (see above). */
    private static final long ALLOWED_PER_CALL = 128;
    /** Bytes per training step allowed: the task objects of its handoffs (see above). */
    private static final long ALLOWED_PER_STEP = 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Runs rounds of stepsPerRound steps of callsPerStep kernel calls until a round allocates no more
     * than it is allowed; returns the bytes of that round.
     */
    private static long untilNoAllocation(String what, int stepsPerRound, int callsPerStep, Runnable step) {
        return untilNoAllocation(what, stepsPerRound, callsPerStep, ALLOWED_PER_CALL * callsPerStep, step);
    }

    private static long untilNoAllocation(String what, int stepsPerRound, int callsPerStep, long allowedPerStep,
                                          Runnable step) {
        long allowed = allowedPerStep * stepsPerRound;
        long deadline = System.nanoTime() + (long) (DEADLINE_SECONDS * 1e9);
        long bytes = -1;
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            long before = THREADS.getTotalThreadAllocatedBytes();
            for (int i = 0; i < stepsPerRound; i++) {
                step.run();
            }
            bytes = THREADS.getTotalThreadAllocatedBytes() - before;
            rounds++;
            if (bytes <= allowed) {
                System.out.printf("%-56s OK, %,d bytes a step%s (after %d warm-up rounds)%n", what + ":",
                        bytes / stepsPerRound, callsPerStep > 0 ? ", " + callsPerStep + " kernel calls" : "", rounds - 1);
                return bytes;
            }
        }
        fail(what + ": still " + bytes / stepsPerRound + " bytes a step after " + rounds + " rounds of " + stepsPerRound);
        return bytes;
    }

    /**
     * Bytes per convolutional step allowed: its three handoffs' task objects as an MLP step's, and more of
     * the small objects escape analysis may or may not remove (measured 190 to 1,536 bytes, depending on
     * what ran before); a vector boxed in any of its loops costs tens of kilobytes a step (35 KB before
     * the vector helpers were inlined by hand; 2 KB when --augment's sin and cos came from StrictMath,
     * which allocates per call).
     */
    private static final long ALLOWED_PER_CONV_STEP = 4096;

    /** Kernel calls in a step of 784-256-128-10: 3 layers forward (6), loss, backward (11), update (up to 4). */
    private static final int STEP_CALLS = 22;

    private static LabeledImages digits(int n) {
        return Warmup.synthetic(n, 28, 10, 11);
    }

    /** 0 .. n-1 in a fixed scrambled order (n not a multiple of 389), the batches' samples. */
    private static int[] scrambled(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (i * 389) % n;
        }
        return order;
    }

    @Test
    void aWarmMinibatchStepAllocatesNothing() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        LabeledImages images = digits(1024);
        int[] order = scrambled(images.size());
        for (Backend backend : Backend.values()) {
            for (int threads : new int[] {1, 2}) {
                for (Optimizer kind : Optimizer.values()) {
                    try (Kernels kernels = Kernels.create(backend, threads)) {
                        Network network = new Network(new int[] {784, 256, 128, 10}, Activation.RELU, Output.SOFTMAX);
                        network.initialise(Initializer.HE, RandomSource.create("java", 3));
                        TrainingLayout layout = TrainingLayout.choose(network, kernels, 0.19);
                        TrainingStep step = new TrainingStep(network, kernels, layout, new PixelInputs(images),
                                images.oneHot(10), 128, Updater.create(kind, layout.length(network.parameters().length), 0.9f), 1e-4f);
                        int[] at = {0};
                        untilNoAllocation("training step, " + backend.id() + ", " + threads + " threads, " + kind.id()
                                + (layout.sparse() ? ", sparse" : ", dense"), 8, STEP_CALLS, ALLOWED_PER_STEP, () -> {
                                    step.run(order, at[0], 128, 1e-3f);
                                    at[0] = (at[0] + 128) % order.length;
                                });
                    }
                }
            }
        }
    }

    @Test
    void aWarmConvolutionalStepAllocatesNothing() {
        // cnn-fast's layers with dropout, on distorted images: the direct first layer, im2col and the GEMMs,
        // pooling, dropout's masks and the distortions, each from its part's kernels
        LabeledImages images = digits(512);
        int[] order = scrambled(images.size());
        for (Backend backend : Backend.values()) {
            for (int threads : new int[] {1, 2}) {
                try (Kernels kernels = Kernels.create(backend, threads)) {
                    Network network = Network.parse("conv5x16:valid,pool2,conv3x32:valid,pool2,dense128,dropout0.25",
                            1, 28, 28, 10, Activation.RELU);
                    network.initialise(Initializer.HE, RandomSource.create("java", 3));
                    TrainingLayout layout = TrainingLayout.choose(network, kernels, 1);
                    TrainingStep step = new TrainingStep(network, kernels, layout, new PixelInputs(images),
                            images.oneHot(10), 64, Updater.create(Optimizer.ADAM, layout.length(network.parameters().length), 0.9f), 0f);
                    step.augment(Augmentation.DEFAULT, 28, 28);
                    int[] at = {0};
                    untilNoAllocation("convolutional step, " + backend.id() + ", " + threads + " threads", 4, 0,
                            ALLOWED_PER_CONV_STEP, () -> {
                                step.run(order, at[0], 64, 1e-3f, at[0] * 31L + 7);
                                at[0] = (at[0] + 64) % order.length;
                            });
                }
            }
        }
    }

    @Test
    void aWarmFullBatchEpochAndInferenceAllocateNothing() {
        LabeledImages images = digits(2048);
        float[] x = images.images();
        float[] y = images.oneHot(10);
        for (int threads : new int[] {1, 2}) {
            try (Kernels kernels = Kernels.create(Backend.SIMD, threads)) {
                Network network = new Network(new int[] {784, 64, 10}, Activation.SIGMOID, Output.SOFTMAX);
                network.initialise(Initializer.XAVIER, RandomSource.create("java", 4));
                Backprop full = new Backprop(network, kernels, images.size());
                float[] grads = new float[network.parameters().length];
                untilNoAllocation("lecture epoch (dense), " + threads + " threads", 4, 12, () -> {
                    full.forward(x, 0, images.size());
                    full.loss(y, images.size());
                    full.backward(x, 0, y, images.size(), grads);
                    kernels.sgdStep(network.parameters(), 0, grads, 0, 0.1f, grads.length);
                });
                Backprop one = new Backprop(network, kernels, 1);
                untilNoAllocation("inference, one image, " + threads + " threads", 64, 4, () -> one.forward(x, 0, 1));
            }
        }
    }
}
