package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Epoch;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.Optimizer;
import mnist.model.Schedule;
import mnist.model.TrainingDivergedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Minibatch training on a slice of MNIST: it learns, keeps its best epoch, and is reproducible. */
class MinibatchTrainerTest {
    private static LabeledImages train;
    private static LabeledImages validation;

    @BeforeAll
    static void load() throws IOException {
        LabeledImages all = Mnist.loadBundled().train();
        train = all.subset(0, 6000);
        validation = all.subset(6000, 7000);
    }

    private static Network trainOnce(Backend backend, int threads, Optimizer optimizer, float lr,
                                     List<Epoch> epochs, int[] best) {
        Network network = new Network(new int[] {784, 32, 10}, Activation.RELU, Output.SOFTMAX);
        RandomSource random = RandomSource.create("java", 5);
        network.initialise(Initializer.HE, random);
        MinibatchSettings settings = new MinibatchSettings(4, 64, optimizer, lr, 0.9f, 1e-4f, Schedule.COSINE);
        try (Kernels kernels = Kernels.create(backend, threads)) {
            MinibatchTrainer.Result result = new MinibatchTrainer(kernels, settings, random).train(network,
                    train.images(), train.oneHot(10), train.size(), validation.images(), validation.labels(),
                    new MinibatchTrainer.Listener() { });
            epochs.addAll(result.epochs());
            best[0] = result.bestEpoch();
        }
        return network;
    }

    /**
     * The first layer on sparse inputs (weights in panels, images as bytes) against the dense kernels
     * (images as floats): the same parameters, bit for bit, at 1 and 2 threads, for every optimizer.
     */
    @Test
    void sparseFirstLayerTrainsAsTheDenseOneBitForBit() {
        for (Backend backend : Backend.values()) {
            for (Optimizer kind : Optimizer.values()) {
                float[] reference = null;
                for (int threads = 1; threads <= 2; threads++) {
                    for (boolean sparse : new boolean[] {false, true}) {
                        try (Kernels kernels = Kernels.create(backend, threads)) {
                            int hidden = 4 * kernels.sparsePanel();   // a whole number of panels at any width
                            Network network = new Network(new int[] {784, hidden, 10}, Activation.RELU, Output.SOFTMAX);
                            RandomSource random = RandomSource.create("java", 7);
                            network.initialise(Initializer.HE, random);
                            MinibatchSettings settings = new MinibatchSettings(2, 64, kind, kind.defaultLearningRate(),
                                    0.9f, 1e-4f, Schedule.COSINE);
                            MinibatchTrainer trainer = new MinibatchTrainer(kernels, settings, random, sparse);
                            LabeledImages part = train.subset(0, 1024);   // whole batches: the dense forward packs from 48 rows
                            MinibatchTrainer.Result result = sparse
                                    ? trainer.train(network, part, validation, new MinibatchTrainer.Listener() { }, null, null)
                                    : trainer.train(network, part.images(), part.oneHot(10), part.size(),
                                            validation.images(), validation.labels(), new MinibatchTrainer.Listener() { });
                            assertTrue(result.best().validationAccuracy() > 0.5, backend + " " + kind + ": it learns");
                            if (reference == null) {
                                reference = network.parameters().clone();
                            } else {
                                assertArrayEquals(reference, network.parameters(), backend + " " + kind + ", "
                                        + threads + " threads, " + (sparse ? "sparse" : "dense") + " first layer");
                            }
                        }
                    }
                }
                System.out.printf("sparse vs dense first layer, %s %s: OK, %d parameters bit for bit at 1 and 2 threads%n",
                        backend.id(), kind.id(), reference.length);
            }
        }
    }

    @Test
    void everyOptimizerLearnsAndTheBestEpochIsKept() {
        for (Optimizer kind : Optimizer.values()) {
            List<Epoch> epochs = new ArrayList<>();
            int[] best = new int[1];
            Network network = trainOnce(Backend.SIMD, 2, kind, kind.defaultLearningRate(), epochs, best);
            assertEquals(4, epochs.size());
            assertTrue(epochs.get(3).trainLoss() < epochs.get(0).trainLoss(), kind + ": loss falls " + epochs);
            double bestAccuracy = epochs.stream().mapToDouble(Epoch::validationAccuracy).max().orElseThrow();
            assertEquals(bestAccuracy, epochs.get(best[0]).validationAccuracy(), kind + ": best epoch is the most accurate");
            assertTrue(bestAccuracy > 0.85, kind + ": validation accuracy " + bestAccuracy);
            // The network holds the best epoch's parameters: its accuracy on the validation set is that epoch's.
            try (Kernels kernels = Kernels.create(Backend.SIMD, 1)) {
                int[] predicted = Predictor.predict(network, kernels, validation.images(), validation.size());
                int correct = 0;
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == validation.label(i) ? 1 : 0;
                }
                assertEquals(bestAccuracy, correct / (double) validation.size(), 1e-12, kind.id());
            }
            System.out.printf("minibatch %s: validation accuracy %.4f at epoch %d%n", kind.id(), bestAccuracy, best[0] + 1);
        }
    }

    @Test
    void sameSeedGivesTheSameModelAtAnyThreadCount() {
        for (Backend backend : Backend.values()) {
            float[] one = trainOnce(backend, 1, Optimizer.ADAM, 1e-3f, new ArrayList<>(), new int[1]).parameters();
            float[] three = trainOnce(backend, 3, Optimizer.ADAM, 1e-3f, new ArrayList<>(), new int[1]).parameters();
            assertArrayEquals(one, three, backend + ": bit-identical parameters for 1 and 3 threads");
        }
    }

    @Test
    void simdAndScalarReachTheSameAccuracy() {
        List<Epoch> simd = new ArrayList<>();
        List<Epoch> scalar = new ArrayList<>();
        trainOnce(Backend.SIMD, 2, Optimizer.ADAM, 1e-3f, simd, new int[1]);
        trainOnce(Backend.SCALAR, 2, Optimizer.ADAM, 1e-3f, scalar, new int[1]);
        for (int e = 0; e < simd.size(); e++) {
            assertEquals(simd.get(e).trainLoss(), scalar.get(e).trainLoss(), 1e-3 * simd.get(e).trainLoss(), "epoch " + e);
            assertEquals(simd.get(e).validationAccuracy(), scalar.get(e).validationAccuracy(), 0.005, "epoch " + e);
        }
    }

    @Test
    void anExplodingLearningRateStopsWithAClearMessage() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainOnce(Backend.SIMD, 1, Optimizer.SGD, 1e30f, new ArrayList<>(), new int[1]));
        assertTrue(e.getMessage().contains("lower learning rate"), e.getMessage());
    }
}
