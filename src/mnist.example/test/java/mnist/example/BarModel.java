package mnist.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;

/** A model that says "1" with probability sigmoid(3) = 0.953 for any image, and a PGM of a bar to ask it about. */
record BarModel(Path model, Path image) {
    static BarModel in(Path dir) throws IOException {
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = 3f;
        Path model = dir.resolve("m.model");
        ModelFile.save(SavedModel.binary(network, 1, Map.of()), model);
        Path image = dir.resolve("bar.pgm");
        Files.writeString(image, "P2 3 3 9\n9 0 9\n9 0 9\n9 0 9\n");
        return new BarModel(model, image);
    }
}
