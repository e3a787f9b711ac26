package mnist.model.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import mnist.model.Activation;

/**
 * Run in a child JVM by {@link ModelFileCrashTest}: saves a large model to the file named by its argument
 * over and over, generation g holding the value g in every parameter, and prints each generation saved.
 */
public final class SaveLoop {
    private SaveLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Network network = new Network(new int[] {784, 2048, 10}, Activation.RELU, Output.SOFTMAX);
        for (int generation = 1; ; generation++) {
            Arrays.fill(network.parameters(), generation);
            ModelFile.save(SavedModel.digits(network, Map.of("generation", Integer.toString(generation))), file);
            System.out.println("saved " + generation);
            System.out.flush();
        }
    }
}
