package mnist.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mnist.data.DatasetException;
import mnist.data.image.DigitImages;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.internal.Backprop;
import mnist.model.internal.Classifiers;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Onnx;
import mnist.model.internal.SavedModel;

/**
 * A trained model ready to classify images: the embedding API.
 *
 * <pre>{@code
 * Classifier classifier = Classifier.load(Path.of("digits.model"));
 * Prediction p = classifier.predict(pixels);          // float[784] in [0, 1], ink = 1
 * Prediction q = classifier.predictImage(Path.of("my-digit.png"));
 * System.out.println(p.className() + " " + p.confidence());
 * }</pre>
 *
 * <p>Immutable and thread-safe: it holds a private copy of the parameters that nothing changes, and every
 * call runs on its own buffers and its own single-threaded kernels (which have no worker pool and cost one
 * small object). Results are the same bits whichever thread asks, and the same as {@code mnist evaluate}'s
 * with one thread on the same backend.
 *
 * <p>A classifier comes from a model file ({@link #load}) or from training ({@link Trainer#fit}).
 */
public final class Classifier {
    /** Rows per forward pass in {@link #predictBatch}. */
    private static final int CHUNK = 1024;

    static {
        Classifiers.setFactory(Classifier::of);
    }

    private final SavedModel model; // its network is a private copy, never modified
    private final Backend backend;

    private Classifier(SavedModel model, Backend backend) {
        this.model = model;
        this.backend = backend;
    }

    /**
     * A classifier of a copy of the model's current parameters, on the given backend (for {@link Trainer}
     * and, through {@code Classifiers}, for the rest of mnist).
     */
    static Classifier of(SavedModel model, Backend backend) {
        SavedModel copy = new SavedModel(model.network().copy(), model.rows(), model.cols(), model.pixelScale(),
                model.digit(), model.classNames(), model.metadata());
        return new Classifier(copy, Objects.requireNonNull(backend, "backend"));
    }

    /**
     * Saves the model to {@code file} in mnist's format (a magic, a version, the sizes, the parameters and a
     * CRC32C checksum): written to a temporary file beside it, forced to disk, then moved into place, so that
     * a failure leaves any existing file as it was.
     */
    public void save(Path file) throws ModelFileException {
        ModelFile.save(model, file);
    }

    /**
     * Writes the model as standard ONNX (IR 7, opset 13) to {@code file}, atomically: input {@code input},
     * floats in [0, 1] with ink 1, {@code (N, rows·cols)} for a perceptron or {@code (N, 1, rows, cols)} for a
     * convolutional network; output {@code probabilities}, {@code (N, classes)} or {@code (N, 1)} for a binary
     * model.
     */
    public void exportOnnx(Path file) throws ModelFileException {
        Onnx.save(model, file);
    }

    /**
     * Loads a model file, mnist's own (checked: magic, version, sizes, checksum) or ONNX (a chain of the
     * operators mnist runs), to run on {@link Backend#preferred}'s backend.
     */
    public static Classifier load(Path file) throws ModelFileException {
        return new Classifier(ModelFile.load(file), Backend.preferred().backend());
    }

    /** Loads a model file from a stream, read to its end; {@code name} names it in error messages. */
    public static Classifier load(InputStream in, String name) throws ModelFileException {
        return new Classifier(ModelFile.load(in, name), Backend.preferred().backend());
    }

    /**
     * This classifier on another backend, e.g. {@code Classifier.load(file).withBackend(Backend.SCALAR)} to
     * compare the Vector API with its scalar twin. The model is shared (it is never modified); SIMD where
     * {@code jdk.incubator.vector} is not in the JVM fails with the reason when the first prediction runs.
     */
    public Classifier withBackend(Backend backend) {
        return new Classifier(model, Objects.requireNonNull(backend, "backend"));
    }

    /** The class names, indexed like {@link Prediction#label()}: "0".."9", or "not d", "d". */
    public List<String> classNames() {
        return model.classNames();
    }

    /** Whether the model answers "is it digit {@link #digit()}?" rather than naming the digit. */
    public boolean isBinary() {
        return model.isBinary();
    }

    /** The digit a binary model recognises; -1 for a model over all digits. */
    public int digit() {
        return model.digit();
    }

    /** The height of the images the model takes (28 for MNIST). */
    public int rows() {
        return model.rows();
    }

    /** The width of the images the model takes (28 for MNIST). */
    public int cols() {
        return model.cols();
    }

    /** The number of pixels of one input image, rows · cols. */
    public int inputSize() {
        return model.rows() * model.cols();
    }

    /** The architecture, e.g. {@code 784-64-10}. */
    public String describe() {
        return model.network().describe();
    }

    /** The facts stored with the model (e.g. {@code test_accuracy}); unmodifiable. */
    public Map<String, String> metadata() {
        return model.metadata();
    }

    /**
     * Classifies one image of {@link #inputSize()} pixels in [0, 1], row-major, ink 1 and background 0;
     * see {@link #predictBatch}.
     */
    public Prediction predict(float[] pixels) {
        checkLength(pixels.length, 1);
        return predictBatch(pixels, 1)[0];
    }

    /** Classifies one image of raw pixel values 0..255 (ink 255), scaled as the model was trained. */
    public Prediction predict(int[] raw) {
        checkLength(raw.length, 1);
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] > 255) {
                throw new IllegalArgumentException("pixel " + i + " is " + raw[i] + ", outside 0..255");
            }
            pixels[i] = raw[i] * model.pixelScale();
        }
        return predict(pixels);
    }

    /**
     * Classifies n images, {@code images (n, inputSize())} row-major, each pixel in [0, 1] (ink 1); a pixel
     * outside, or NaN, is refused with an IllegalArgumentException that names it.
     */
    public Prediction[] predictBatch(float[] images, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative image count " + n);
        }
        checkLength(images.length, n);
        for (int i = 0; i < images.length; i++) {
            if (!(images[i] >= 0f && images[i] <= 1f)) { // also NaN
                throw new IllegalArgumentException("pixel " + i % inputSize() + " of image " + i / inputSize() + " is "
                        + images[i] + ", outside [0, 1] (raw values 0..255: use predict(int[]))");
            }
        }
        Network network = model.network();
        int inputs = network.inputSize();
        int outputs = network.outputSize();
        Prediction[] predictions = new Prediction[n];
        if (n == 0) {
            return predictions;
        }
        int chunk = Backprop.chunkFor(network, CHUNK);
        try (Kernels kernels = Kernels.create(backend, 1)) {
            Backprop backprop = new Backprop(network, kernels, Math.min(n, chunk));
            for (int start = 0; start < n; start += chunk) {
                int rows = Math.min(chunk, n - start);
                float[] out = backprop.forward(images, start * inputs, rows);
                for (int r = 0; r < rows; r++) {
                    predictions[start + r] = Prediction.of(model.classNames(), out, r * outputs, model.isBinary());
                }
            }
        }
        return predictions;
    }

    /**
     * Reads a PNG or PGM image of any size, gray or colour, prepares it as MNIST's digits were (dark ink on a
     * light background or light on dark, whichever its border says; the ink's bounding box scaled so that
     * its longer side is 20 pixels, then placed in 28x28 with its centre of mass in the middle), and
     * classifies it. Needs a 28x28 model.
     */
    public Prediction predictImage(Path image) throws IOException {
        return predict(prepareImage(image));
    }

    /** The 28x28 pixels {@link #predictImage} feeds the model, for display. */
    public float[] prepareImage(Path image) throws IOException {
        if (model.rows() != DigitImages.SIZE || model.cols() != DigitImages.SIZE) {
            throw new DatasetException(image.toString(), "this model takes " + model.rows() + "x" + model.cols()
                    + " images, not MNIST's 28x28 digits");
        }
        return DigitImages.prepare(DigitImages.read(image), image.toString());
    }

    private void checkLength(int length, int n) {
        long expected = (long) n * inputSize();
        if (length != expected) {
            throw new IllegalArgumentException(length + " pixels are not " + n + " image" + (n == 1 ? "" : "s")
                    + " of " + model.rows() + "x" + model.cols());
        }
    }

    @Override
    public String toString() {
        return "Classifier[" + describe() + ", classes " + classNames() + "]";
    }
}
