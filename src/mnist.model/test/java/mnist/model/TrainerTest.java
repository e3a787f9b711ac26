package mnist.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.internal.Classifiers;
import mnist.model.internal.MinibatchTrainer;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;
import mnist.model.internal.TrainingRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fluent API: the command line's defaults, the same model as the steps written out, checked arguments. */
class TrainerTest {
    private static LabeledImages slice;

    @BeforeAll
    static void load() throws IOException {
        slice = Mnist.loadBundled().train().head(1500);
    }

    @Test
    void theRecipesHaveTheCommandLinesDefaults() {
        Trainer mlp = Trainer.mlp();
        assertEquals(MinibatchSettings.defaults(), mlp.settings());
        assertArrayEquals(new int[] {784, 256, 128, 10}, TrainingRun.network(mlp, 28, 28).sizes());
        assertNull(mlp.layerSpec());
        assertEquals(Activation.RELU, mlp.activation());
        assertEquals(Initializer.HE, mlp.initializer());
        assertEquals(5000, mlp.validationSize());
        assertEquals("numpy", mlp.rngKind());
        assertEquals(1, mlp.seedValue());
        assertNull(mlp.augmentation());

        Trainer cnnFast = Trainer.cnnFast();
        assertEquals(new MinibatchSettings(2, 64, Optimizer.ADAM, 4e-3f, 0.9f, 0f, Schedule.ONECYCLE), cnnFast.settings());
        assertEquals("conv5x16:valid,pool2,conv3x32:valid,pool2,dense128", cnnFast.layerSpec());
        assertEquals(0, cnnFast.validationSize());
        assertEquals(8, Trainer.cnn().settings().epochs());
        assertEquals(Trainer.Recipe.CNN, Trainer.Recipe.find("cnn"));
        assertNull(Trainer.Recipe.find("resnet"));
    }

    @Test
    void aTrainerIsImmutable() {
        Trainer base = Trainer.mlp();
        Trainer changed = base.epochs(3).hidden(32).seed(9).validation(100).augment(true);
        assertNotSame(base, changed);
        assertEquals(12, base.settings().epochs());
        assertEquals(3, changed.settings().epochs());
        assertArrayEquals(new int[] {256, 128}, base.hiddenWidths());
        assertEquals(1, base.seedValue());
        assertNull(base.augmentation());
        assertEquals(Augmentation.DEFAULT, changed.augmentation());
    }

    /** The optimizer's default rate, unless the recipe's optimizer is chosen: as --optimizer does. */
    @Test
    void changingTheOptimizerChangesTheDefaultRate() {
        assertEquals(0.1f, Trainer.mlp().optimizer(Optimizer.SGD).settings().learningRate());
        assertEquals(3e-3f, Trainer.cnn().optimizer(Optimizer.SGD).optimizer(Optimizer.ADAM)
                .settings().learningRate());
        assertEquals(0.5f, Trainer.mlp().learningRate(0.5f).optimizer(Optimizer.ADAM).settings().learningRate());
    }

    /**
     * fit = the steps written out with the lower-level classes (network, initialisation, a seeded
     * shuffle for the validation split, the minibatch trainer): the same parameters, bit for bit.
     */
    @Test
    void fitIsTheStepsWrittenOut(@TempDir Path dir) throws Exception {
        List<Epoch> seen = new ArrayList<>();
        Classifier fitted = Trainer.mlp().hidden(24).epochs(2).batchSize(50).validation(300).rng("java").seed(3)
                .backend(Backend.SCALAR).threads(2).onEpoch(seen::add).fit(slice);

        Network network = new Network(new int[] {784, 24, 10}, Activation.RELU, Output.SOFTMAX);
        RandomSource random = RandomSource.create("java", 3);
        network.initialise(Initializer.HE, random);
        int[] shuffle = random.permutation(slice.size());
        LabeledImages train = slice.select(shuffle, 0, 1200);
        LabeledImages validation = slice.select(shuffle, 1200, 1500);
        MinibatchTrainer.Result result;
        try (Kernels kernels = Kernels.create(Backend.SCALAR, 1)) {
            result = new MinibatchTrainer(kernels, new MinibatchSettings(2, 50, Optimizer.ADAM, 1e-3f, 0.9f, 0f,
                    Schedule.COSINE), random).train(network, train, validation, new MinibatchTrainer.Listener() {
                    }, null, null);
        }
        assertEquals(2, seen.size());
        assertEquals(result.epochs().get(1).trainLoss(), seen.get(1).trainLoss());
        assertEquals(result.epochs().get(1).validationAccuracy(), seen.get(1).validationAccuracy());

        Path file = dir.resolve("fitted.model");
        fitted.save(file);
        SavedModel saved = ModelFile.load(file);
        assertArrayEquals(network.parameters(), saved.network().parameters());
        assertEquals("784-24-10", Classifier.load(file).describe());
        assertEquals(Mnist.digitNames(), fitted.classNames());
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertEquals(names, Trainer.mlp().hidden(8).epochs(1).validation(0).classNames(names).fit(slice.head(200)).classNames());
        float[] image = slice.image(0);
        assertEquals(Classifiers.of(SavedModel.digits(network, java.util.Map.of())).predict(image).label(),
                fitted.predict(image).label());
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertMessage("epochs", () -> Trainer.mlp().epochs(0));
        assertMessage("batch size", () -> Trainer.mlp().batchSize(-3));
        assertMessage("learning rate", () -> Trainer.mlp().learningRate(Float.NaN));
        assertMessage("seed", () -> Trainer.mlp().seed(-1));
        assertMessage("generator", () -> Trainer.mlp().rng("mt"));
        assertMessage("threads", () -> Trainer.mlp().threads(0));
        assertMessage("hidden", () -> Trainer.mlp().hidden());
        assertMessage("hidden", () -> Trainer.mlp().hidden(0));
        assertMessage("layers conv3x4,pool9", () -> Trainer.mlp().layers("conv3x4,pool9"));
        assertMessage("validation", () -> Trainer.mlp().validation(-1));
        assertMessage("classNames: 9 class names, expected 10", () -> Trainer.mlp().classNames(List.of("a", "b", "c", "d", "e",
                "f", "g", "h", "i")));
        assertMessage("classNames: class name 2 (label 1) 'a' appears twice", () -> Trainer.mlp().classNames(List.of("a",
                "a", "c", "d", "e", "f", "g", "h", "i", "j")));
        assertMessage("validation must be below 1500", () -> Trainer.mlp().fit(slice));
        assertMessage("layers conv5x8:valid,pool2,conv5x8:valid,pool2 on images of 12x12",
                () -> Trainer.mlp().layers("conv5x8:valid,pool2,conv5x8:valid,pool2")
                        .validation(0).fit(LabeledImages.ofPixels("small", 12, 12, new byte[144], new int[] {3})));
    }

    /** An uninitialised network would train to chance silently: the trainer refuses it. */
    @Test
    void anUninitialisedNetworkIsRefused() {
        Network network = new Network(new int[] {784, 16, 10}, Activation.RELU, Output.SOFTMAX);
        try (Kernels kernels = Kernels.create(Backend.SCALAR, 1)) {
            MinibatchTrainer trainer = new MinibatchTrainer(kernels, MinibatchSettings.defaults(), RandomSource.create("java", 1));
            LabeledImages few = slice.head(10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.train(network, few,
                    few, new MinibatchTrainer.Listener() {
                    }, null, null));
            assertTrue(e.getMessage().contains("784-16-10 has all its parameters at 0"), e.getMessage());
        }
    }

    private static void assertMessage(String expected, Supplier<Object> call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' not in: " + e.getMessage());
    }
}
