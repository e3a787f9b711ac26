package mnist.data;

import static mnist.data.IdxBytes.gzip;
import static mnist.data.IdxBytes.images;
import static mnist.data.IdxBytes.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import mnist.data.idx.IdxArray;
import mnist.data.idx.IdxReader;
import mnist.data.idx.PackedImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDirectoryTest {
    private static final String[] NAMES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    @TempDir
    Path dir;

    @Test
    void plainAndGzippedDirectoriesHoldTheBundledData() throws IOException {
        Path packed = Files.createDirectory(dir.resolve("packed"));
        Path plain = Files.createDirectory(dir.resolve("plain"));
        for (String name : NAMES) {
            IdxArray array = bundledIdx(name);
            byte[] content = concat(array.header(), array.values());
            Files.write(packed.resolve(name + ".gz"), gzip(content));
            Files.write(plain.resolve(name), content);
        }
        try (InputStream in = bundled("SHA256SUMS")) {
            Files.copy(in, plain.resolve("SHA256SUMS"));
        }
        Files.copy(plain.resolve("SHA256SUMS"), packed.resolve("SHA256SUMS"));

        Mnist expected = Bundled.mnist();
        for (Path directory : new Path[] {packed, plain}) {
            Mnist loaded = Mnist.load(directory);
            assertEquals(directory.toString(), loaded.source());
            assertSame(expected.train(), loaded.train());
            assertSame(expected.test(), loaded.test());
        }
    }

    @Test
    void theTestSplitLoadsAloneWithoutTheTrainingFiles() throws IOException {
        write(NAMES[2], images(2, 4, 5));
        write(NAMES[3] + ".gz", gzip(labels(7, 1)));
        Mnist mnist = Mnist.loadTest(dir);
        assertEquals(false, mnist.hasTrain());
        assertArrayEquals(new int[] {7, 1}, mnist.test().labels());
        assertEquals(5 / 255f, mnist.test().image(0)[5]);
        IllegalStateException e = assertThrows(IllegalStateException.class, mnist::train);
        assertTrue(e.getMessage().contains("only the test split was loaded"), e.getMessage());
        // all four are needed for the whole set, and the error names the missing one
        DatasetException missing = assertThrows(DatasetException.class, () -> Mnist.load(dir));
        assertTrue(missing.getMessage().contains(NAMES[0]), missing.getMessage());
        // the test files are still checked against SHA256SUMS
        writeSums(sha256(images(2, 4, 5)) + "  " + NAMES[2] + "\n" + sha256(labels(7, 2)) + "  " + NAMES[3] + "\n");
        DatasetException mismatch = assertThrows(DatasetException.class, () -> Mnist.loadTest(dir));
        assertTrue(mismatch.getMessage().contains("SHA-256 mismatch"), mismatch.getMessage());
    }

    @Test
    void theBundledTestSplitIsTheWholeLoadsTestSplit() throws DatasetException {
        Mnist test = Mnist.loadBundledTest();
        assertEquals(false, test.hasTrain());
        assertEquals(true, Bundled.mnist().hasTrain());
        assertSame(Bundled.mnist().test(), test.test());
        assertEquals(Bundled.mnist().classNames(), test.classNames());
    }

    /** Mnist.loadBundled does not hash the data at every load; this is where the bundled copy is checked. */
    @Test
    void theBundledCopyIsMnistByItsSha256Sums() throws IOException {
        Sha256Sums sums;
        try (InputStream in = bundled("SHA256SUMS")) {
            sums = Sha256Sums.parse(in, "SHA256SUMS");
        }
        Mnist mnist = Bundled.mnist();
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"};
        for (String name : names) {
            IdxArray unpacked = bundledIdx(name);   // the training images from our packed format
            sums.verifyContent(unpacked, name);    // throws on a mismatch
            assertTrue(sums.digestOf(name).isPresent(), name + " is listed");
        }
        assertEquals(60_000, mnist.train().size());
        assertEquals(10_000, mnist.test().size());
        // and the check can fail: one changed label is a mismatch
        IdxArray labels;
        try (InputStream in = bundled("t10k-labels-idx1-ubyte.gz")) {
            labels = IdxReader.read(in, "t10k-labels-idx1-ubyte");
        }
        labels.values()[0] ^= 1;
        DatasetException e = assertThrows(DatasetException.class, () -> sums.verifyContent(labels, "t10k-labels-idx1-ubyte"));
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
    }

    /** A bundled file's content: the training images unpacked from our format, the others gunzipped. */
    private static IdxArray bundledIdx(String name) throws IOException {
        boolean packed = name.equals("train-images-idx3-ubyte");
        try (InputStream in = bundled(name + (packed ? ".packed" : ".gz"))) {
            return packed ? PackedImages.read(in, name) : IdxReader.read(in, name);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static InputStream bundled(String name) throws java.io.IOException {
        // the tests have the data's jar on the class path (surefire puts there what mnist.data does not require)
        InputStream in = ClassLoader.getSystemResourceAsStream("mnist/dataset/" + name);
        if (in == null) {
            throw new java.io.FileNotFoundException("mnist/dataset/" + name + " is not on the class path");
        }
        return in;
    }

    private static void assertSame(LabeledImages expected, LabeledImages actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.images(), actual.images());
    }

    @Test
    void loadsSmallSetsInAnyMixOfPlainAndGzip() throws IOException {
        write(NAMES[0] + ".gz", gzip(images(3, 4, 5)));
        write(NAMES[1], labels(0, 9, 3));
        write(NAMES[2], images(2, 4, 5));
        write(NAMES[3] + ".gz", gzip(labels(7, 1)));
        Mnist mnist = Mnist.load(dir);
        assertEquals(3, mnist.train().size());
        assertEquals(2, mnist.test().size());
        assertEquals(20, mnist.train().features());
        assertArrayEquals(new int[] {0, 9, 3}, mnist.train().labels());
        // Pixel p of image i is (i * 31 + p) % 256.
        assertEquals(31 / 255f, mnist.train().image(1)[0]);
        assertEquals(5 / 255f, mnist.test().image(0)[5]);
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = dir.resolve("no-such-dir");
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(missing));
        assertEquals(missing + ": directory not found", e.getMessage());
    }

    @Test
    void fileInsteadOfDirectoryIsNamed() throws IOException {
        Path file = write("a-file", new byte[1]);
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(file));
        assertEquals(file + ": not a directory", e.getMessage());
    }

    @Test
    void missingFileSaysWhichNamesWereTried() throws IOException {
        writeSmallSet();
        Files.delete(dir.resolve(NAMES[3]));
        assertFails(NAMES[3], "not found: looked for t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz in " + dir);
    }

    @Test
    void imagesMustBeThreeDimensionalAndLabelsOne() throws IOException {
        writeSmallSet();
        write(NAMES[0], IdxBytes.unsignedBytes(new int[] {3, 16}, new byte[48]));
        assertFails(NAMES[0], "images need 3 dimensions (count, rows, cols), found 2 (shape 3x16)");
        writeSmallSet();
        write(NAMES[3], IdxBytes.unsignedBytes(new int[] {2, 1}, new byte[2]));
        assertFails(NAMES[3], "labels need 1 dimension (count), found 2 (shape 2x1)");
    }

    @Test
    void labelsAboveNineAreRejectedWithIndexAndValue() throws IOException {
        writeSmallSet();
        write(NAMES[1], labels(0, 9, 10));
        assertFails(NAMES[1], "label 10 at index 2 is outside 0..9");
        write(NAMES[1], labels(255, 0, 0));
        assertFails(NAMES[1], "label 255 at index 0 is outside 0..9");
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        writeSmallSet();
        write(NAMES[3], labels(1, 2, 3));
        assertFails(NAMES[3], "count mismatch: 3 labels, but " + dir.resolve(NAMES[2]) + " has 2 images");
    }

    @Test
    void trainAndTestImagesMustHaveOneShape() throws IOException {
        writeSmallSet();
        write(NAMES[2], images(2, 4, 6));
        assertFails(NAMES[2], "images are 4x6 pixels but " + dir.resolve(NAMES[0]) + " has 4x5");
    }

    @Test
    void readErrorsNameTheFileInTheDirectory() throws IOException {
        writeSmallSet();
        byte[] packed = gzip(images(2, 4, 5));
        Files.delete(dir.resolve(NAMES[2]));
        write(NAMES[2] + ".gz", java.util.Arrays.copyOf(packed, packed.length - 10));
        assertFails(NAMES[2] + ".gz", "truncated gzip stream");
    }

    @Test
    void sha256sumsListingUnpackedContentIsChecked() throws IOException {
        writeSmallSet();
        // The unpacked content is listed even when the file is stored gzipped.
        Files.delete(dir.resolve(NAMES[1]));
        write(NAMES[1] + ".gz", gzip(labels(0, 9, 3)));
        writeSums(sha256(images(3, 4, 5)) + "  " + NAMES[0] + "\n" + sha256(labels(0, 9, 3)) + " *" + NAMES[1] + "\n");
        assertEquals(3, Mnist.load(dir).train().size());

        writeSums(sha256(images(3, 4, 5)) + "  " + NAMES[0] + "\n" + sha256(labels(0, 9, 4)) + "  " + NAMES[1] + "\n");
        assertFails(NAMES[1] + ".gz", "SHA-256 mismatch: unpacked content has " + sha256(labels(0, 9, 3)) + ", "
                + dir.resolve("SHA256SUMS") + " lists " + sha256(labels(0, 9, 4)));
    }

    @Test
    void sha256sumsListingGzippedFilesIsChecked() throws IOException {
        writeSmallSet();
        byte[] packed = gzip(images(2, 4, 5));
        Files.delete(dir.resolve(NAMES[2]));
        write(NAMES[2] + ".gz", packed);
        writeSums(sha256(packed) + "  " + NAMES[2] + ".gz\n");
        assertEquals(2, Mnist.load(dir).test().size());

        String wrong = "0".repeat(64);
        writeSums(wrong + "  " + NAMES[2] + ".gz\n");
        assertFails(NAMES[2] + ".gz", "SHA-256 mismatch: file has " + sha256(packed));
    }

    @Test
    void malformedSha256sumsIsNamed() throws IOException {
        writeSmallSet();
        writeSums("# a comment\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(dir));
        assertEquals(dir.resolve("SHA256SUMS") + ": line 1 is not '<sha256>  <file name>': # a comment",
                e.getMessage());
    }

    /** Train: 3 images of 4x5 labelled 0, 9, 3; test: 2 images labelled 7, 1; all plain. */
    private void writeSmallSet() throws IOException {
        write(NAMES[0], images(3, 4, 5));
        write(NAMES[1], labels(0, 9, 3));
        write(NAMES[2], images(2, 4, 5));
        write(NAMES[3], labels(7, 1));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private void writeSums(String text) throws IOException {
        Files.writeString(dir.resolve("SHA256SUMS"), text, StandardCharsets.UTF_8);
    }

    /** Loading {@link #dir} must fail naming {@code fileName} in it and the problem. */
    private void assertFails(String fileName, String problem) {
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(dir));
        assertEquals(dir.resolve(fileName).toString(), e.file(), e.getMessage());
        assertTrue(e.problem().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
