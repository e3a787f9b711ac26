package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mnist.data.Mnist;
import mnist.model.Classifier;
import mnist.model.internal.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class names travel with the data and the model: a Fashion-MNIST slice with its classes.txt trains to a
 * model whose report, prediction and file name its classes; --classes overrides; bad names are refused.
 */
class ClassNamesTest {
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    private static Path slice() throws URISyntaxException {
        return Path.of(ClassNamesTest.class.getResource("/fashion-slice/classes.txt").toURI()).getParent();
    }

    @Test
    void theNamesOfTheDataGoThroughTrainingEvaluationPredictionAndTheModelFile(@TempDir Path dir) throws Exception {
        Path data = slice();
        assertEquals(FASHION, Mnist.load(data).classNames());
        Path model = dir.resolve("fashion.model");
        Cli train = run("train", "--data", data.toString(), "--hidden", "32", "--epochs", "2", "--validation", "100",
                "--threads", "1", "--progress", "never", "--save", model.toString());
        assertEquals(0, train.code(), train.err());
        // the first test image of Fashion-MNIST is an ankle boot (label 9)
        assertTrue(train.out().contains("Test image 0: label Ankle boot, predicted "), train.out());
        assertTrue(train.out().lines().anyMatch(l -> l.strip().startsWith("T-shirt/top ")), "report rows by name:\n" + train.out());
        assertEquals(FASHION, ModelFile.load(model).classNames());
        assertEquals(FASHION, Classifier.load(model).classNames());

        Cli predict = run("predict", "--model", model.toString(), "--data", data.toString(), "--index", "0");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("Ankle boot"), predict.out());
        Cli evaluate = run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("Sneaker"), evaluate.out());

        // evaluating and predicting read the test split only: a directory without the training files will do
        Path testOnly = Files.createDirectory(dir.resolve("test-only"));
        for (String f : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "classes.txt")) {
            Files.copy(data.resolve(f), testOnly.resolve(f));
        }
        Cli evaluateTestOnly = run("evaluate", "--model", model.toString(), "--data", testOnly.toString());
        assertEquals(0, evaluateTestOnly.code(), evaluateTestOnly.err());
        assertTrue(evaluateTestOnly.out().contains("Loaded " + testOnly + ": 200 test images of 28x28"), evaluateTestOnly.out());
        assertEquals(evaluate.out().lines().filter(l -> !l.startsWith("Loaded ")).toList(),
                evaluateTestOnly.out().lines().filter(l -> !l.startsWith("Loaded ")).toList());
        Cli predictTestOnly = run("predict", "--model", model.toString(), "--data", testOnly.toString(), "--index", "0");
        assertEquals(0, predictTestOnly.code(), predictTestOnly.err());
        assertTrue(predictTestOnly.out().contains("Ankle boot"), predictTestOnly.out());
        Cli trainTestOnly = run("train", "--data", testOnly.toString(), "--epochs", "1");
        assertEquals(2, trainTestOnly.code());
        assertTrue(trainTestOnly.err().contains("train-images-idx3-ubyte"), trainTestOnly.err());
    }

    @Test
    void classesOverridesTheDatasNames(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("renamed.model");
        String names = "zero,one,two,three,four,five,six,seven,eight,nine";
        Cli train = run("train", "--data", slice().toString(), "--classes", names, "--hidden", "16", "--epochs", "1",
                "--validation", "100", "--threads", "1", "--progress", "never", "--save", model.toString());
        assertEquals(0, train.code(), train.err());
        assertEquals(List.of(names.split(",")), ModelFile.load(model).classNames());
        assertTrue(train.out().contains("Test image 0: label nine, predicted "), train.out());
    }

    @Test
    void badNamesAreRefusedWithTheirLine(@TempDir Path dir) throws Exception {
        Cli nine = run("train", "--classes", "a,b,c,d,e,f,g,h,i");
        assertEquals(2, nine.code());
        assertTrue(nine.err().contains("--classes: 9 class names, expected 10 (one per label 0..9)"), nine.err());

        Path data = dir.resolve("data");
        Files.createDirectories(data);
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(slice().resolve(f), data.resolve(f));
        }
        Files.writeString(data.resolve("classes.txt"), "a\nb\nc\nd\ne\nf\ng\nh\nc\nj\n");
        Cli trained = run("train", "--data", data.toString(), "--epochs", "1");
        assertEquals(2, trained.code(), trained.err()); // a bad input, as for any bad data file
        assertTrue(trained.err().contains("classes.txt: class name 9 (label 8) 'c' appears twice"), trained.err());
        Files.writeString(data.resolve("classes.txt"), "a\nb\n\u0007\n");
        Cli control = run("train", "--data", data.toString(), "--epochs", "1");
        assertTrue(control.err().contains("classes.txt: 3 class names, expected 10"), control.err());
    }
}
