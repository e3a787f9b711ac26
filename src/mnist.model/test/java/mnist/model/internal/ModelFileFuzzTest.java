package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import mnist.model.Activation;
import mnist.model.ModelFileException;
import mnist.testkit.Fuzzer.Case;
import mnist.testkit.Fuzzer.Mutator;
import mnist.testkit.Fuzzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-file reader under attack: a few thousand malformed model files made from valid ones with a
 * fixed random seed. Most random damage stops at the checksum, so half the cases have their length field
 * and checksum repaired afterwards, which sends the damage on to every field check. Each must load or be
 * refused with a {@link ModelFileException} naming the file and the problem; never anything else.
 */
class ModelFileFuzzTest {
    private static final long SEED = 20250603L;

    @TempDir
    Path dir;

    private static List<byte[]> seeds() {
        return models().stream().map(ModelFile::toBytes).toList();
    }

    private static List<SavedModel> models() {
        Network binary = new Network(new int[] {4, 1}, Activation.SIGMOID, Output.SIGMOID);
        binary.parameters()[2] = 0.5f;
        Network deep = new Network(new int[] {4, 2, 2, 3}, Activation.SIGMOID, Output.SOFTMAX);
        // version 2: a layer spec the reader parses, on a small image
        Network layered = Network.parse("conv3x2,pool2,dense3,dropout0.5", 1, 4, 5, 3, Activation.RELU);
        return List.of(
                new SavedModel(layered, 4, 5, 1f / 255f, -1, List.of("a", "b", "c"), Map.of()),
                ModelFileTest.tiny(),
                new SavedModel(binary, 2, 2, 1f / 255f, 7, List.of("not 7", "7"), Map.of()),
                new SavedModel(deep, 1, 4, 0.5f, -1, List.of("x", "y", "z"), Map.of("k", "v", "empty", "")));
    }

    /** The file with its length field set to its real length and its checksum recomputed. */
    static byte[] repaired(byte[] b) {
        if (b.length < ModelFile.HEADER + 4) {
            return b;
        }
        byte[] c = b.clone();
        ByteBuffer buf = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(12, c.length);
        CRC32C crc = new CRC32C();
        crc.update(c, 0, c.length - 4);
        buf.putInt(c.length - 4, (int) crc.getValue());
        return c;
    }

    /** Structured damage: every truncation, every u32 field set to interesting values, header lies. */
    private static List<Case> structured(SavedModel model) {
        byte[] seed = ModelFile.toBytes(model);
        int parametersAt = seed.length - 4 - 4 * model.network().parameters().length;
        List<Case> cases = new ArrayList<>(Fuzzer.everyTruncation("model", seed));
        for (int at = 0; at < 8; at++) { // the magic
            byte[] c = seed.clone();
            c[at] ^= 0x20;
            cases.add(new Case("magic byte " + at + " changed", c));
        }
        for (long v : new long[] {0, 1, 2, 255, 1L << 32, -1}) { // the version
            byte[] c = seed.clone();
            ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) v);
            cases.add(new Case("version " + v, c));
        }
        for (long v : new long[] {0, 23, 24, seed.length - 1L, seed.length + 1L, Integer.MAX_VALUE - 64L,
            Integer.MAX_VALUE - 63L, Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE, -1}) { // the length
            byte[] c = seed.clone();
            ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(12, v);
            cases.add(new Case("stated length " + v, c));
        }
        // every u32 (aligned or not) and every byte of the fields after the header set to interesting
        // values, checksum repaired; the parameters themselves (any float is a valid one) only in random damage
        for (int at = ModelFile.HEADER; at + 4 <= parametersAt + 4; at++) {
            for (int v : Fuzzer.INTERESTING_INTS) {
                byte[] c = seed.clone();
                Fuzzer.putInt(c, at, v, false);
                cases.add(new Case("u32 " + v + " at " + at + ", repaired", repaired(c)));
            }
            for (int v : new int[] {0, 1, 2, 9, 10, 0x7F, 0x80, 0xFF}) {
                byte[] c = seed.clone();
                c[at] = (byte) v;
                cases.add(new Case("byte " + v + " at " + at + ", repaired", repaired(c)));
            }
        }
        for (float scale : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f, -0f, Float.MIN_VALUE}) {
            int at = ModelFile.HEADER + 4 + 4 * 3 + 4 + 8; // the tiny seed: 3 layer sizes, 4 code bytes, rows, cols
            byte[] c = seed.clone();
            ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, scale);
            cases.add(new Case("pixel scale " + scale + ", repaired", repaired(c)));
        }
        return cases;
    }

    private static List<Case> allCases() {
        List<byte[]> seeds = seeds();
        Mutator mutator = new Mutator(SEED, seeds);
        List<Case> cases = new ArrayList<>();
        for (SavedModel model : models()) {
            cases.addAll(structured(model));
        }
        for (int i = 0; i < 1000; i++) {
            cases.add(mutator.next());
        }
        for (int i = 0; i < 2000; i++) {
            Case c = mutator.next();
            cases.add(new Case(c.how() + ", repaired", repaired(c.bytes())));
        }
        return cases;
    }

    @Test
    void malformedModelStreamsAreRefusedWithOurMessage() {
        Fuzzer.Report report = Fuzzer.run("model", allCases(), ModelFileException.class, Fuzzer.Limits.DEFAULT,
                (input, name) -> ModelFile.load(new ByteArrayInputStream(input), name));
        Fuzzer.print(report);
        assertTrue(report.cases() >= 5000, report.toString());
        assertTrue(report.accepted() < report.cases() / 2, "most cases are malformed: " + report);
    }

    @Test
    void malformedModelFilesAreRefusedWithOurMessage() throws IOException {
        List<Case> all = allCases();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 5) {
            cases.add(all.get(i));
        }
        Path files = Files.createDirectories(dir.resolve("models"));
        Fuzzer.Report report = Fuzzer.run("model-file", files + "/case-", cases, ModelFileException.class,
                Fuzzer.Limits.DEFAULT, (input, name) -> {
                    Path file = Path.of(name);
                    Files.write(file, input);
                    try {
                        ModelFile.load(file);
                    } finally {
                        Files.delete(file);
                    }
                });
        Fuzzer.print(report);
        assertTrue(report.cases() >= 1000, report.toString());
    }

    @Test
    void streamClaimingTwoGigabytesAllocatesNothing() {
        // Found by this fuzzer: a 24-byte stream whose header states 2 GB allocated the 2 GB before reading.
        byte[] lying = java.util.Arrays.copyOf(seeds().get(0), 24);
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(12, Integer.MAX_VALUE - 64L);
        long before = Fuzzer.allocatedBytes();
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFile.load(new ByteArrayInputStream(lying), "lying.bin"));
        long allocated = Fuzzer.allocatedBytes() - before;
        assertEquals("lying.bin: truncated (or a corrupt header): the header gives 2147483583 bytes, the file has 24",
                e.getMessage());
        System.out.printf("model stream claiming 2 GB: refused, %d KB allocated%n", allocated >> 10);
        assertTrue(allocated < 4 << 20, "allocated " + allocated);
    }
}
