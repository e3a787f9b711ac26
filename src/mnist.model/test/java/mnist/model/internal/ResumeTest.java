package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Augmentation;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.ModelFileException;
import mnist.model.Optimizer;
import mnist.model.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after any epoch and resumed from its checkpoint ends bit for bit as the uninterrupted
 * run: the stop is simulated by an epoch hook that fails, the state goes through a real checkpoint file.
 */
class ResumeTest {
    private static LabeledImages train;
    private static LabeledImages validation;

    @BeforeAll
    static void load() throws IOException {
        LabeledImages all = Mnist.loadBundled().train();
        train = all.subset(0, 3000);
        validation = all.subset(3000, 3500);
    }

    /** For the failure messages: a difference may depend on the vector width and the JDK. */
    private static final String MACHINE = " (" + Backend.preferred().reason() + ", JDK " + Runtime.version() + ")";

    private static final class Crash extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Runs the minibatch trainer from the start or from a checkpoint; stops after {@code stopAfter} epochs. */
    private static Network minibatch(Kernels kernels, Checkpoint resume, int stopAfter, Path file) {
        // 64 hidden units: a whole number of panels at any vector width, so the first layer runs sparse and the
        // optimizer's state is converted between the training layout and the checkpoint's
        Network network = new Network(new int[] {784, 64, 10}, Activation.RELU, Output.SOFTMAX);
        RandomSource random = RandomSource.create("numpy", 3);
        network.initialise(Initializer.HE, random);
        if (resume != null) {
            System.arraycopy(resume.model().network().parameters(), 0, network.parameters(), 0, network.parameters().length);
        }
        MinibatchSettings settings = new MinibatchSettings(5, 100, Optimizer.ADAM, 2e-3f, 0.9f, 1e-4f, Schedule.COSINE);
        new MinibatchTrainer(kernels, settings, random).train(network, train.images(), train.oneHot(10), train.size(),
                validation.images(), validation.labels(), new MinibatchTrainer.Listener() { },
                resume == null ? null : resume.state(),
                state -> epochEnd(new Checkpoint(List.of("--test"), SavedModel.digits(network, java.util.Map.of()), state),
                        file, stopAfter));
        return network;
    }

    /** As {@link #minibatch}, for a convolutional network with dropout, trained on distorted images. */
    private static Network layered(Kernels kernels, Checkpoint resume, int stopAfter, Path file) {
        Network network = Network.parse("conv3x4,pool2,dense16,dropout0.25", 1, 28, 28, 10, Activation.RELU);
        RandomSource random = RandomSource.create("numpy", 3);
        network.initialise(Initializer.HE, random);
        if (resume != null) {
            System.arraycopy(resume.model().network().parameters(), 0, network.parameters(), 0, network.parameters().length);
        }
        MinibatchSettings settings = new MinibatchSettings(3, 100, Optimizer.ADAM, 2e-3f, 0.9f, 0f, Schedule.ONECYCLE);
        new MinibatchTrainer(kernels, settings, random).augment(Augmentation.DEFAULT).train(network, train.subset(0, 600),
                validation, new MinibatchTrainer.Listener() { }, resume == null ? null : resume.state(),
                state -> epochEnd(new Checkpoint(List.of("--test"), SavedModel.digits(network, java.util.Map.of()), state),
                        file, stopAfter));
        return network;
    }

    @Test
    void aConvolutionalRunWithDropoutAndAugmentationResumesBitForBit(@TempDir Path dir) throws IOException {
        assertResumesBitForBit(ResumeTest::layered, new int[] {1, 2}, dir);
        assertEquals("1x28x28-conv3x4-pool2-dense16-dropout0.25-10",
                Checkpoint.load(dir.resolve("stop1.ck")).model().network().describe());
    }

    /**
     * The epoch hook of every run: the checkpoint into {@code file}, and a copy of it per epoch
     * ({@code file.N}, to compare a stopped run with the uninterrupted one); fails after {@code stopAfter}.
     */
    private static void epochEnd(Checkpoint checkpoint, Path file, int stopAfter) throws IOException {
        Checkpoint.save(checkpoint, file);
        Checkpoint.save(checkpoint, file.resolveSibling(file.getFileName() + "." + checkpoint.state().epochsDone()));
        if (checkpoint.state().epochsDone() == stopAfter) {
            throw new Crash();
        }
    }

    /** A run of {@link #minibatch}'s kind: from the start or a checkpoint, stopping after {@code stopAfter} epochs. */
    @FunctionalInterface
    private interface Run {
        Network train(Kernels kernels, Checkpoint resume, int stopAfter, Path file);
    }

    /** The run stopped after each of {@code stops} epochs and resumed from its checkpoint ends as the uninterrupted run. */
    private static void assertResumesBitForBit(Run run, int[] stops, Path dir) throws IOException {
        try (Kernels kernels = Kernels.create(Backend.SIMD, 2)) {
            float[] uninterrupted = run.train(kernels, null, -1, dir.resolve("a.ck")).parameters();
            for (int stop : stops) {
                Path file = dir.resolve("stop" + stop + ".ck");
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> run.train(kernels, null, stop, file));
                assertTrue(e.getCause() instanceof Crash);
                Checkpoint checkpoint = Checkpoint.load(file);
                assertEquals(stop, checkpoint.state().epochsDone());
                // the run up to the stop is the uninterrupted run's beginning: else the training itself is
                // not reproducible in one JVM (and the resume cannot be)
                Checkpoint same = Checkpoint.load(dir.resolve("a.ck." + stop));
                assertArrayEquals(same.model().network().parameters(), checkpoint.model().network().parameters(),
                        "the parameters after epoch " + stop + " of a second run from the start" + MACHINE);
                assertArrayEquals(same.state().bestParameters(), checkpoint.state().bestParameters(),
                        "the best parameters after epoch " + stop + " of a second run from the start" + MACHINE);
                assertArrayEquals(same.state().optimizerState(), checkpoint.state().optimizerState(),
                        "the optimizer's state after epoch " + stop + " of a second run from the start" + MACHINE);
                float[] resumed = run.train(kernels, checkpoint, -1, dir.resolve("b.ck")).parameters();
                assertArrayEquals(uninterrupted, resumed, "stopped after epoch " + stop + " and resumed" + MACHINE);
            }
        }
    }

    @Test
    void minibatchTrainingResumesBitForBit(@TempDir Path dir) throws IOException {
        assertResumesBitForBit(ResumeTest::minibatch, new int[] {1, 2, 3, 4}, dir);
        assertEquals(List.of("--test"), Checkpoint.load(dir.resolve("stop1.ck")).arguments());
    }

    private static Network fullBatch(Kernels kernels, Checkpoint resume, int stopAfter, Path file) {
        LectureModel.Start start = LectureModel.HIDDEN.initialise(RandomSource.create("numpy", 1), train.size(), 784, 16);
        Network network = start.network();
        if (resume != null) {
            System.arraycopy(resume.model().network().parameters(), 0, network.parameters(), 0, network.parameters().length);
        }
        LabeledImages shuffled = train.permuted(start.shuffle());
        new FullBatchGradientDescent(kernels, 12, 1f).train(network, shuffled.images(), shuffled.binaryTargets(0),
                shuffled.size(), (e, l, s) -> { }, resume == null ? null : resume.state(),
                state -> epochEnd(new Checkpoint(List.of(), SavedModel.binary(network, 0, java.util.Map.of()), state),
                        file, stopAfter));
        return network;
    }

    @Test
    void fullBatchTrainingResumesBitForBit(@TempDir Path dir) throws IOException {
        assertResumesBitForBit(ResumeTest::fullBatch, new int[] {1, 7, 11}, dir);
    }

    @Test
    void aDamagedCheckpointIsRefusedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.ck");
        try (Kernels kernels = Kernels.create(Backend.SCALAR, 1)) {
            assertThrows(UncheckedIOException.class, () -> fullBatch(kernels, null, 1, file));
        }
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i += Math.max(1, good.length / 97)) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(file, bad);
            ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.load(file), "flip at " + i);
            assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        }
        for (int len : new int[] {0, 5, 8, 23, good.length / 2, good.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(good, len));
            ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoint.load(file), "length " + len);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not an mnist checkpoint"), e.getMessage());
        }
        Files.write(file, good);
        assertEquals(1, Checkpoint.load(file).state().epochsDone());
    }
}
