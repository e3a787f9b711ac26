package mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mnist.data.idx.IdxArray;
import mnist.data.idx.IdxReader;
import mnist.data.idx.PackedImages;

/**
 * An MNIST-shaped data set: the files' own split into {@link #train()} (60,000 images for MNIST)
 * and {@link #test()} (10,000), 28x28 pixels, labels 0 to 9.
 *
 * <p>{@link #loadBundled()} reads the copy of MNIST in the module {@code mnist.dataset} (artifact
 * {@code dev.mnist:mnist.dataset}); {@link #load(Path)} reads any directory laid out the same way, e.g.
 * Fashion-MNIST.
 */
public final class Mnist {
    private static final String BUNDLED_SOURCE = "bundled MNIST";
    /** The module, artifact and resource directory of the bundled files. */
    private static final String BUNDLED_MODULE = "mnist.dataset";
    private static final String BUNDLED_DIRECTORY = "mnist/dataset/";
    /**
     * The bundled training images, in our own packed format (a quarter smaller than gzip: see
     * {@link PackedImages}); the other three files are gzipped IDX, as published.
     */
    private static final String PACKED_TRAIN_IMAGES = "train-images-idx3-ubyte.packed";

    /** The standard file names, without the optional {@code .gz}. */
    private enum DataFile {
        TRAIN_IMAGES("train-images-idx3-ubyte", true),
        TRAIN_LABELS("train-labels-idx1-ubyte", true),
        TEST_IMAGES("t10k-images-idx3-ubyte", false),
        TEST_LABELS("t10k-labels-idx1-ubyte", false);

        final String fileName;
        final boolean train;

        DataFile(String fileName, boolean train) {
            this.fileName = fileName;
            this.train = train;
        }
    }

    /**
     * The optional file of class names in a data directory: UTF-8, one name per line, line i naming label
     * i, exactly {@value LabeledImages#CLASSES} lines (a last newline is optional); each name 1 to
     * {@value #MAX_CLASS_NAME} characters, without control characters, different from the others. E.g.
     * Fashion-MNIST's {@code T-shirt/top}, {@code Trouser}, ... Without it the classes are the digits.
     */
    public static final String CLASS_NAMES_FILE = "classes.txt";
    /** The longest class name. */
    public static final int MAX_CLASS_NAME = 40;

    private final String source;
    private final LabeledImages train;
    private final LabeledImages test;
    private final List<String> classNames;

    private Mnist(String source, LabeledImages train, LabeledImages test, List<String> classNames) {
        this.source = source;
        this.train = train;
        this.test = test;
        this.classNames = classNames;
    }

    /**
     * Reads the MNIST copy of the module {@code mnist.dataset} (it works from any working directory and
     * inside a jlink image). Every file is checked as it is unpacked (gzip's CRC-32 and length, nothing
     * after the end; for the training images, kept in our own format, each chunk's CRC-32 and length;
     * they unpack on two threads while this one reads the other files); that the copy is MNIST itself,
     * by the bundled SHA256SUMS, is checked by the build (a test of this module), not at every load:
     * hashing the 55 MB unpacked took 0.15-0.3 s of a cold JVM's CPU at every start of {@code mnist
     * train}, {@code show} or {@code evaluate}. On the module
     * path that module must be resolved ({@code requires mnist.dataset}, or {@code --add-modules
     * mnist.dataset}); on the class path its jar must be there. Without it, a DatasetException says so.
     */
    public static Mnist loadBundled() throws DatasetException {
        return loadBundled(true);
    }

    /**
     * {@link #loadBundled()}'s test split only (10,000 images), for evaluating and predicting: the
     * training split is five sixths of the bytes to unpack. {@link #train()} then fails; see {@link #hasTrain()}.
     */
    public static Mnist loadBundledTest() throws DatasetException {
        return loadBundled(false);
    }

    private static Mnist loadBundled(boolean withTrain) throws DatasetException {
        IdxArray[] arrays = new IdxArray[DataFile.values().length];
        // the training images unpack on other threads while this one reads the rest
        PackedImages.Unpacking trainImages = withTrain ? readBundled(PACKED_TRAIN_IMAGES, PackedImages::start) : null;
        for (DataFile file : DataFile.values()) {
            if (file == DataFile.TRAIN_IMAGES || !withTrain && file.train) {
                continue;
            }
            arrays[file.ordinal()] = readBundled(file.fileName + ".gz", IdxReader::read);
        }
        if (trainImages != null) {
            arrays[DataFile.TRAIN_IMAGES.ordinal()] = trainImages.finish();
        }
        return of(BUNDLED_SOURCE, arrays, digitNames());
    }

    /** How a bundled file is read: from its stream, named in messages by the second argument. */
    private interface BundledReader<T> {
        T read(InputStream in, String name) throws IOException;
    }

    /** Opens the bundled {@code resource} and reads it; a failure to read it is a DatasetException naming it. */
    private static <T> T readBundled(String resource, BundledReader<T> reader) throws DatasetException {
        try (InputStream in = openBundled(resource)) {
            return reader.read(in, displayBundled(resource));
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException(displayBundled(resource), "cannot read: " + e, e);
        }
    }

    /**
     * Reads the four standard files from {@code directory}: {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
     * each plain or with {@code .gz} (the plain one is taken if both exist). If the directory holds a
     * SHA256SUMS file, every one of these files it lists (by plain or by .gz name) is checked.
     */
    public static Mnist load(Path directory) throws DatasetException {
        return load(directory, true);
    }

    /**
     * {@link #load(Path)}'s test split only: the two {@code t10k} files (and their SHA256SUMS entries,
     * if listed), for evaluating and predicting. {@link #train()} then fails; see {@link #hasTrain()}.
     */
    public static Mnist loadTest(Path directory) throws DatasetException {
        return load(directory, false);
    }

    private static Mnist load(Path directory, boolean withTrain) throws DatasetException {
        if (!Files.isDirectory(directory)) {
            throw new DatasetException(directory.toString(), Files.exists(directory)
                    ? "not a directory" : "directory not found");
        }
        Path sumsFile = directory.resolve(Sha256Sums.FILE_NAME);
        Sha256Sums sums = Files.exists(sumsFile) ? Sha256Sums.read(sumsFile) : null;
        IdxArray[] arrays = new IdxArray[DataFile.values().length];
        for (DataFile file : DataFile.values()) {
            if (!withTrain && file.train) {
                continue;
            }
            Path path = find(directory, file);
            arrays[file.ordinal()] = IdxReader.read(path);
            if (sums != null) {
                sums.verifyFile(path);
                sums.verifyContent(arrays[file.ordinal()], file.fileName);
            }
        }
        Path namesFile = directory.resolve(CLASS_NAMES_FILE);
        return of(directory.toString(), arrays, Files.exists(namesFile) ? readClassNames(namesFile) : digitNames());
    }

    /** Where the data came from: {@code bundled MNIST} or the directory. */
    public String source() {
        return source;
    }

    /** The names of the classes, indexed by label: from the directory's {@value #CLASS_NAMES_FILE}, or "0".."9". */
    public List<String> classNames() {
        return classNames;
    }

    /** The training split, in the files' order; IllegalStateException if only the test split was loaded. */
    public LabeledImages train() {
        if (train == null) {
            throw new IllegalStateException(source + ": only the test split was loaded (loadTest, loadBundledTest)");
        }
        return train;
    }

    /** Whether the training split was loaded: false after {@link #loadTest} and {@link #loadBundledTest}. */
    public boolean hasTrain() {
        return train != null;
    }

    /** The test split, in the files' order. */
    public LabeledImages test() {
        return test;
    }

    @Override
    public String toString() {
        return source + ": " + (train == null ? "" : "train " + train.size() + ", ") + "test " + test.size()
                + " images of " + test.rows() + "x" + test.cols();
    }

    /** Checks the arrays' shapes and labels against each other, then converts them. */
    private static Mnist of(String source, IdxArray[] arrays, List<String> classNames) throws DatasetException {
        IdxArray trainImages = arrays[DataFile.TRAIN_IMAGES.ordinal()];
        IdxArray trainLabels = arrays[DataFile.TRAIN_LABELS.ordinal()];
        IdxArray testImages = arrays[DataFile.TEST_IMAGES.ordinal()];
        IdxArray testLabels = arrays[DataFile.TEST_LABELS.ordinal()];
        if (trainImages != null) {
            checkSplit(trainImages, trainLabels);
        }
        checkSplit(testImages, testLabels);
        if (trainImages == null) {   // the test split only
            return new Mnist(source, null, LabeledImages.fromIdx(source + " test", testImages, testLabels), classNames);
        }
        if (testImages.dimension(1) != trainImages.dimension(1)
                || testImages.dimension(2) != trainImages.dimension(2)) {
            throw new DatasetException(testImages.name(), "images are " + testImages.dimension(1) + "x"
                    + testImages.dimension(2) + " pixels but " + trainImages.name() + " has "
                    + trainImages.dimension(1) + "x" + trainImages.dimension(2));
        }
        // Convert one split at a time so that only one split's bytes and floats coexist.
        LabeledImages train = LabeledImages.fromIdx(source + " train", trainImages, trainLabels);
        arrays[DataFile.TRAIN_IMAGES.ordinal()] = null;
        trainImages = null;
        LabeledImages test = LabeledImages.fromIdx(source + " test", testImages, testLabels);
        return new Mnist(source, train, test, classNames);
    }

    private static void checkSplit(IdxArray images, IdxArray labels) throws DatasetException {
        if (images.dimensions() != 3) {
            throw new DatasetException(images.name(), "images need 3 dimensions (count, rows, cols), found "
                    + images.dimensions() + " (shape " + images.shapeText() + ")");
        }
        if (labels.dimensions() != 1) {
            throw new DatasetException(labels.name(), "labels need 1 dimension (count), found "
                    + labels.dimensions() + " (shape " + labels.shapeText() + ")");
        }
        if (labels.dimension(0) != images.dimension(0)) {
            throw new DatasetException(labels.name(), "count mismatch: " + labels.dimension(0)
                    + " labels, but " + images.name() + " has " + images.dimension(0) + " images");
        }
        for (int i = 0; i < labels.length(); i++) {
            int label = labels.unsignedValue(i);
            if (label >= LabeledImages.CLASSES) {
                throw new DatasetException(labels.name(), "label " + label + " at index " + i
                        + " is outside 0.." + (LabeledImages.CLASSES - 1));
            }
        }
    }

    /** "0" to "9": the classes of MNIST. */
    public static List<String> digitNames() {
        List<String> names = new java.util.ArrayList<>();
        for (int d = 0; d < LabeledImages.CLASSES; d++) {
            names.add(Integer.toString(d));
        }
        return List.copyOf(names);
    }

    /** Reads and checks a {@value #CLASS_NAMES_FILE} (see there). */
    public static List<String> readClassNames(Path file) throws DatasetException {
        String text;
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new DatasetException(file.toString(), "too large for a list of class names (over 64 KB)");
            }
            text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(file.toString(), "cannot read: " + e.getMessage(), e);
        }
        List<String> lines = List.of(text.split("\r?\n", -1));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        try {
            return checkClassNames(lines);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(file.toString(), e.getMessage());
        }
    }

    /**
     * Checks a list of class names (see {@link #CLASS_NAMES_FILE}) and returns it unmodifiable; the
     * IllegalArgumentException names the line (1-based) and the problem.
     */
    public static List<String> checkClassNames(List<String> names) {
        if (names.size() != LabeledImages.CLASSES) {
            throw new IllegalArgumentException(names.size() + " class names, expected " + LabeledImages.CLASSES
                    + " (one per label 0.." + (LabeledImages.CLASSES - 1) + ")");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String where = "class name " + (i + 1) + " (label " + i + ")";
            if (name.isBlank()) {
                throw new IllegalArgumentException(where + " is empty");
            }
            if (!name.equals(name.strip())) {
                throw new IllegalArgumentException(where + " '" + name + "' starts or ends with a space");
            }
            if (name.length() > MAX_CLASS_NAME) {
                throw new IllegalArgumentException(where + " is " + name.length() + " characters, more than " + MAX_CLASS_NAME);
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(where + " holds a control character");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(where + " '" + name + "' appears twice");
            }
        }
        return List.copyOf(names);
    }

    /** The plain file if present, else the gzipped one; an error names both if neither exists. */
    private static Path find(Path directory, DataFile file) throws DatasetException {
        List<Path> candidates = List.of(directory.resolve(file.fileName), directory.resolve(file.fileName + ".gz"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new DatasetException(candidates.getFirst().toString(), "not found: looked for "
                + file.fileName + " and " + file.fileName + ".gz in " + directory);
    }

    private static InputStream openBundled(String resource) throws DatasetException {
        String name = BUNDLED_DIRECTORY + resource;
        ModuleLayer layer = Mnist.class.getModule().getLayer();
        java.util.Optional<Module> module = (layer != null ? layer : ModuleLayer.boot()).findModule(BUNDLED_MODULE);
        InputStream in;
        try {
            in = module.isPresent() ? module.get().getResourceAsStream(name)
                    : Mnist.class.getClassLoader() == null ? null : Mnist.class.getClassLoader().getResourceAsStream(name);
        } catch (IOException e) {
            throw new DatasetException(displayBundled(resource), "cannot read: " + e, e);
        }
        if (in == null) {
            throw new DatasetException(displayBundled(resource), module.isPresent()
                    ? "missing from the module " + BUNDLED_MODULE + " (" + name + ")"
                    : "the bundled MNIST is not here: it is the module " + BUNDLED_MODULE + " (Maven: dev.mnist:"
                    + BUNDLED_MODULE + "); put it on the class path, or on the module path with 'requires "
                    + BUNDLED_MODULE + "' or --add-modules " + BUNDLED_MODULE);
        }
        return in;
    }

    private static String displayBundled(String resource) {
        return resource + " (bundled)";
    }
}
