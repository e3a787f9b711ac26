package mnist.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.model.Classifier;
import mnist.model.Prediction;
import org.junit.jupiter.api.Test;

/**
 * Models trained elsewhere: an MLP and a CNN made and exported by PyTorch 1.13 (torch.onnx.export; the
 * script and its output are committed under test/resources/pytorch) load through Classifier.load and give
 * the probabilities PyTorch gave for the first 100 test digits, within 1e-5.
 */
class PyTorchOnnxTest {

    private static void assertAsPyTorchSaid(String name, String expectedArchitecture) throws Exception {
        Classifier classifier;
        try (InputStream in = PyTorchOnnxTest.class.getResourceAsStream("/pytorch/" + name + ".onnx")) {
            classifier = Classifier.load(in, name + ".onnx");
        }
        assertEquals(expectedArchitecture, classifier.describe());
        List<String> lines;
        try (InputStream in = PyTorchOnnxTest.class.getResourceAsStream("/pytorch/" + name + "-probabilities.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        }
        LabeledImages test = Mnist.loadBundled().test();
        double worst = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] expected = lines.get(i).trim().split("\\s+");
            Prediction p = classifier.predict(test.image(i));
            assertEquals(10, expected.length);
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(p.probability(c) - Double.parseDouble(expected[c])));
            }
        }
        System.out.printf("PyTorch's %s (%s): largest difference %.2e over %d images%n", name, classifier.describe(), worst,
                lines.size());
        assertEquals(100, lines.size());
        assertTrue(worst <= 1e-5, name + ": largest difference " + worst);
    }

    @Test
    void anMlpFromPyTorch() throws Exception {
        assertAsPyTorchSaid("mlp", "784-32-10");
    }

    @Test
    void aCnnFromPyTorch() throws Exception {
        assertAsPyTorchSaid("cnn", "1x28x28-conv3x6-pool2-conv5x8:valid-pool2-dense16-10");
    }
}
