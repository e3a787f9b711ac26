package mnist.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mnist.data.Mnist;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules on the class path, as most applications have them: without {@code --add-modules
 * jdk.incubator.vector} the kernels are the scalar ones, with one line that says why and what to add;
 * with it, SIMD; the same answer either way.
 */
class ClassPathTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Path dir, List<String> jvmOptions, String... args) throws Exception {
        String classPath = String.join(File.pathSeparator, location(DigitApp.class), location(mnist.model.Classifier.class),
                location(Backend.class), location(Mnist.class)); // not the bundled data's jar
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, DigitApp.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the application did not finish in 60 s");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void runsOnTheClassPathWithAndWithoutTheVectorModule(@TempDir Path dir) throws Exception {
        BarModel bar = BarModel.in(dir);
        Path model = bar.model(), image = bar.image();

        Run plain = run(dir, List.of(), model.toString(), image.toString());
        assertEquals(0, plain.exit(), plain.err());
        assertEquals(image + ": 1 (0.953)", plain.out().strip());
        assertTrue(plain.err().contains("mnist kernels: scalar, the module jdk.incubator.vector is not in this JVM"
                + " (on the class path, run java with --add-modules jdk.incubator.vector to use the Vector API)"), plain.err());

        Run vector = run(dir, List.of("--add-modules", "jdk.incubator.vector"), model.toString(), image.toString());
        assertEquals(0, vector.exit(), vector.err());
        assertEquals(plain.out(), vector.out());
        assertFalse(vector.err().contains("mnist kernels: scalar"), vector.err());
    }

    /** An application that trains on the bundled MNIST but left its artifact out is told which one to add. */
    @Test
    void withoutTheDataArtifactTheErrorNamesIt(@TempDir Path dir) throws Exception {
        Run r = run(dir, List.of());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("the bundled MNIST is not here: it is the module mnist.dataset (Maven:"
                + " dev.mnist:mnist.dataset); put it on the class path, or on the module path with 'requires"
                + " mnist.dataset' or --add-modules mnist.dataset"), r.err());
    }
}
