package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model file: round trips, and every kind of damage refused with a one-line message. */
class ModelFileTest {

    /** A 4-3-2 softmax network on 2x2 images with random parameters: a file of a few hundred bytes. */
    static SavedModel tiny() {
        Network network = new Network(new int[] {4, 3, 2}, Activation.RELU, Output.SOFTMAX);
        RandomSource.create("java", 7).fillGaussian(network.parameters(), 0, network.parameters().length, 1.0);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("test_accuracy", "0.5");
        meta.put("note", "ü");
        return new SavedModel(network, 2, 2, 1f / 255f, -1, java.util.List.of("a", "b"), meta);
    }

    @Test
    void roundTripIsBitIdentical(@TempDir Path dir) throws IOException {
        Network network = new Network(new int[] {784, 16, 10}, Activation.SIGMOID, Output.SOFTMAX);
        RandomSource.create("java", 1).fillGaussian(network.parameters(), 0, network.parameters().length, 1.0);
        network.parameters()[3] = -0.0f;
        network.parameters()[5] = Float.MIN_VALUE;
        SavedModel model = SavedModel.digits(network, Map.of("test_accuracy", "0.91", "date", "2025-01-01"));
        Path file = dir.resolve("m.bin");
        ModelFile.save(model, file);
        SavedModel back = ModelFile.load(file);
        assertArrayEquals(network.sizes(), back.network().sizes());
        assertEquals(network.activation(), back.network().activation());
        assertEquals(network.output(), back.network().output());
        float[] a = network.parameters(), b = back.network().parameters();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "parameter " + i);
        }
        assertEquals(model.classNames(), back.classNames());
        assertEquals(new TreeMap<>(model.metadata()), new TreeMap<>(back.metadata()));
        assertEquals(28, back.rows());
        assertEquals(1f / 255f, back.pixelScale());
        assertEquals(-1, back.digit());

        float[] x = new float[5 * 784];
        RandomSource.create("java", 2).fillGaussian(x, 0, x.length, 0.3);
        try (var kernels = mnist.math.internal.Kernels.create(mnist.math.Backend.SCALAR, 1)) {
            assertArrayEquals(Predictor.predict(network, kernels, x, 5), Predictor.predict(back.network(), kernels, x, 5));
        }
        assertArrayEquals(ModelFile.toBytes(model), Files.readAllBytes(file), "the file is exactly toBytes");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        System.out.println("round trip of " + a.length + " parameters: bit-identical, file " + Files.size(file) + " bytes");
    }

    @Test
    void aModelWithNonFiniteParametersIsRefused() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Network network = new Network(new int[] {784, 3, 10}, Activation.RELU, Output.SOFTMAX);
            network.parameters()[17] = bad;
            byte[] bytes = ModelFile.toBytes(SavedModel.digits(network, Map.of()));
            ModelFileException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFileException.class,
                    () -> ModelFile.load(new java.io.ByteArrayInputStream(bytes), "nan.bin"));
            assertEquals("nan.bin: parameter 17 is " + bad + ", not a finite number", e.getMessage());
        }
    }

    @Test
    void binaryModelRoundTrip() throws IOException {
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = 0.25f;
        SavedModel back = ModelFile.load(new ByteArrayInputStream(ModelFile.toBytes(SavedModel.binary(network, 3, Map.of()))), "b");
        assertEquals(3, back.digit());
        assertTrue(back.isBinary());
        assertEquals(java.util.List.of("not 3", "3"), back.classNames());
        assertEquals(0.25f, back.network().parameters()[784]);
    }

    @Test
    void layoutStartsWithMagicVersionAndLength() {
        byte[] bytes = ModelFile.toBytes(tiny());
        assertArrayEquals("MNISTNN\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 8));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getInt(8));
        assertEquals(bytes.length, b.getLong(12));
        assertEquals(3, b.getInt(20));
        assertEquals(4, b.getInt(24));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), b.getInt(bytes.length - 4));
    }

    private static ModelFileException refused(byte[] bytes) {
        return assertThrows(ModelFileException.class, () -> ModelFile.load(new ByteArrayInputStream(bytes), "m.bin"));
    }

    private static void assertOneLine(ModelFileException e) {
        assertTrue(e.getMessage().startsWith("m.bin: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void everySingleByteFlipIsRefused(@TempDir Path dir) throws IOException {
        byte[] good = ModelFile.toBytes(tiny());
        Map<String, Integer> messages = new TreeMap<>();
        Path file = dir.resolve("m.bin");
        for (int pos = 0; pos < good.length; pos++) {
            for (int bit : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = good.clone();
                bad[pos] ^= (byte) bit;
                ModelFileException e = refused(bad);
                assertOneLine(e);
                messages.merge(e.problem().replaceAll("\\d+", "N"), 1, Integer::sum);
                if (bit == 0x80) {  // and through the Path loader too
                    Files.write(file, bad);
                    ModelFileException fromFile = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
                    assertTrue(fromFile.getMessage().startsWith(file + ": "), fromFile.getMessage());
                }
            }
        }
        assertTrue(messages.keySet().stream().anyMatch(m -> m.startsWith("checksum mismatch: the file is corrupt")));
        assertTrue(messages.keySet().stream().anyMatch(m -> m.startsWith("not an mnist model file")));
        System.out.println("all " + 3 * good.length + " flips of a " + good.length + "-byte model refused: " + messages);
    }

    @Test
    void everyTruncationIsRefused(@TempDir Path dir) throws IOException {
        byte[] good = ModelFile.toBytes(tiny());
        Path file = dir.resolve("m.bin");
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            ModelFileException e = refused(cut);
            assertOneLine(e);
            if (len >= 8) {
                assertTrue(e.problem().startsWith("truncated"), e.getMessage());
            }
            Files.write(file, cut);
            ModelFileException fromFile = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertTrue(len < 8 || fromFile.problem().startsWith("truncated"), fromFile.getMessage());
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertTrue(refused(longer).problem().startsWith("trailing bytes"));
        Files.write(file, longer);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(file)).problem().startsWith("trailing bytes"));
        assertEquals("m.bin: empty file, not an mnist model file", refused(new byte[0]).getMessage());
    }

    @Test
    void otherVersionsAreRefused() {
        byte[] bytes = ModelFile.toBytes(tiny());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 7);
        assertEquals("m.bin: model format version 7 is newer than this mnist supports (2)", refused(bytes).getMessage());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0);
        assertTrue(refused(bytes).problem().contains("version 0"));
    }

    @Test
    void otherFilesAreNotModels(@TempDir Path dir) throws IOException {
        assertEquals("m.bin: not an mnist model file (wrong magic bytes), nor an ONNX model",
                refused("{\"model\": 1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).getMessage());
        Path missing = dir.resolve("none.bin");
        assertEquals(missing + ": no such file", assertThrows(ModelFileException.class, () -> ModelFile.load(missing)).getMessage());
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(dir)).getMessage().contains("is a directory"));
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFile.save(tiny(), dir.resolve("no/such/dir/m.bin")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    /** Fields are checked even when the checksum is right (a file written by a buggy or hostile tool). */
    @Test
    void badFieldsWithAValidChecksumAreRefused() {
        byte[] good = ModelFile.toBytes(tiny());
        // sizes start at 24: {4, 3, 2}; then activation at 36, output 37, digit 38, reserved 39
        assertEquals("unknown hidden activation code 9", refused(patched(good, 36, 9)).problem());
        assertEquals("unknown output code 2", refused(patched(good, 37, 2)).problem());
        assertEquals("digit code 3 does not fit a softmax output", refused(patched(good, 38, 3)).problem());
        assertEquals("reserved byte is 1, expected 0", refused(patched(good, 39, 1)).problem());
        byte[] hugeLayer = good.clone();
        ByteBuffer.wrap(hugeLayer).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 0x7FFF_FFFF);
        assertTrue(refused(withCrc(hugeLayer)).problem().startsWith("layer size: 2147483647 is outside"));
        byte[] manyLayers = good.clone();
        ByteBuffer.wrap(manyLayers).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 60);
        assertTrue(refused(withCrc(manyLayers)).problem().startsWith("layer sizes: 60 do not fit"));
        byte[] otherShape = good.clone();
        ByteBuffer.wrap(otherShape).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 5);
        assertTrue(refused(withCrc(otherShape)).problem().contains("parameters stored, but layers"));
    }

    private static byte[] patched(byte[] good, int pos, int value) {
        byte[] bad = good.clone();
        bad[pos] = (byte) value;
        return withCrc(bad);
    }

    private static byte[] withCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    @Test
    void saveReplacesThePreviousFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.bin");
        SavedModel first = tiny();
        ModelFile.save(first, file);
        Network other = first.network().copy();
        other.parameters()[0] = 42f;
        ModelFile.save(new SavedModel(other, 2, 2, 1f / 255f, -1, first.classNames(), Map.of()), file);
        assertEquals(42f, ModelFile.load(file).network().parameters()[0]);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path ro = Files.createDirectory(dir.resolve("ro"));
            ModelFile.save(first, ro.resolve("m.bin"));
            ro.toFile().setWritable(false);
            try {
                if (!Files.isWritable(ro)) { // root ignores permissions
                    assertThrows(ModelFileException.class, () -> ModelFile.save(first, ro.resolve("m.bin")));
                    assertEquals("a", ModelFile.load(ro.resolve("m.bin")).classNames().get(0));
                }
            } finally {
                ro.toFile().setWritable(true);
            }
        }
    }

    @SuppressWarnings("unused")
    private static void unreachable() {
        fail();
    }
}
