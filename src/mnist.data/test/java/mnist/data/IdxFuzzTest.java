package mnist.data;

import static mnist.data.IdxBytes.gzip;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mnist.data.idx.IdxReader;
import mnist.testkit.Fuzzer.Case;
import mnist.testkit.Fuzzer.Mutator;
import mnist.testkit.Fuzzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDX reader under attack: a few thousand malformed files, plain and gzipped, made from valid seeds
 * with a fixed random seed. Each must be read or refused with a {@link DatasetException} naming the file
 * and the problem; never an unchecked exception, an error, a hang or an allocation beyond its size.
 */
class IdxFuzzTest {
    private static final long SEED = 20250601L;

    @TempDir
    Path dir;

    private static final byte[] IMAGES = IdxBytes.images(3, 4, 5);
    private static final byte[] LABELS = IdxBytes.labels(7, 2, 1, 0, 4, 1, 4, 9, 5, 9);
    private static final byte[] RANK4 = IdxBytes.unsignedBytes(new int[] {2, 2, 2, 2}, new byte[16]);
    private static final byte[] ONE = IdxBytes.unsignedBytes(new int[] {1}, new byte[] {42});

    /** Structured damage: every truncation, every value of the magic, type and rank bytes, size lies. */
    private static List<Case> structured(byte[] seed) {
        List<Case> cases = new ArrayList<>(Fuzzer.everyTruncation("images", seed));
        for (int at = 0; at < 4; at++) {
            for (int v = 0; v < 256; v++) {
                byte[] c = seed.clone();
                c[at] = (byte) v;
                cases.add(new Case("header byte " + at + " set to " + v, c));
            }
        }
        int rank = seed[3];
        for (int d = 0; d < rank; d++) {
            for (int v : Fuzzer.INTERESTING_INTS) {
                byte[] c = seed.clone();
                Fuzzer.putInt(c, 4 + 4 * d, v, true);
                cases.add(new Case("dimension " + d + " set to " + v, c));
                // and the data the lie asks for, where it is small: counts that match, or miss by one
                int[] shape = new int[rank];
                long count = 1;
                for (int k = 0; k < rank; k++) {
                    shape[k] = k == d ? v : java.nio.ByteBuffer.wrap(seed, 4 + 4 * k, 4).getInt();
                    count *= shape[k];
                }
                if (count > 0 && count < 100_000) {
                    for (long n : new long[] {count - 1, count, count + 1}) {
                        cases.add(new Case("dimension " + d + " set to " + v + " with " + n + " values",
                                IdxBytes.unsignedBytes(shape, new byte[(int) n])));
                    }
                }
            }
        }
        return cases;
    }

    /** Damage to the gzip layer: garbage after a header, header flags that lie, trailing members. */
    private static List<Case> gzipDamage(Mutator mutator, byte[] plain) {
        byte[] packed = gzip(plain);
        List<Case> cases = new ArrayList<>(Fuzzer.everyTruncation("gzip", packed));
        byte[] header = Arrays.copyOf(packed, 10);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[mutator.random().nextInt(1, 300)];
            mutator.random().nextBytes(garbage);
            cases.add(new Case("gzip header then " + garbage.length + " garbage bytes", Fuzzer.splice(header, 10, 10, garbage)));
        }
        for (int flags = 1; flags < 32; flags++) { // FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT, with nothing behind
            byte[] c = packed.clone();
            c[3] = (byte) flags;
            cases.add(new Case("gzip flags " + flags + " without their fields", c));
        }
        for (int flags : new int[] {0x20, 0x40, 0x80, 0xFF}) { // reserved flag bits
            byte[] c = packed.clone();
            c[3] = (byte) flags;
            cases.add(new Case("reserved gzip flags " + flags, c));
        }
        for (int xlen : new int[] {0, 1, 0xFFFF}) { // FEXTRA claiming more bytes than the file has
            byte[] c = Fuzzer.splice(packed, 10, 10, new byte[] {(byte) xlen, (byte) (xlen >>> 8)});
            c[3] = 4;
            cases.add(new Case("FEXTRA of " + xlen + " bytes", c));
        }
        byte[] name = Fuzzer.splice(packed, 10, 10, "no-terminator".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        name[3] = 8;
        cases.add(new Case("FNAME whose name is the deflate data", name));
        for (int i = 0; i < 8; i++) { // the trailer's CRC and size, each byte
            byte[] c = packed.clone();
            c[packed.length - 8 + i] ^= (byte) 0x55;
            cases.add(new Case("trailer byte " + i + " changed", c));
        }
        cases.add(new Case("a second gzip member", Fuzzer.splice(packed, packed.length, packed.length, gzip(new byte[] {1}))));
        cases.add(new Case("a second empty gzip member", Fuzzer.splice(packed, packed.length, packed.length, gzip(new byte[0]))));
        for (int n : new int[] {1, 2, 9, 10, 20}) {
            cases.add(new Case(n + " zero bytes after the gzip member",
                    Fuzzer.splice(packed, packed.length, packed.length, new byte[n])));
            byte[] garbage = new byte[n];
            mutator.random().nextBytes(garbage);
            cases.add(new Case(n + " random bytes after the gzip member",
                    Fuzzer.splice(packed, packed.length, packed.length, garbage)));
            cases.add(new Case("gzip magic and " + (n - 1) + " bytes after the gzip member", Fuzzer.splice(packed,
                    packed.length, packed.length, Arrays.copyOf(new byte[] {0x1F, (byte) 0x8B}, Math.max(2, n)))));
        }
        return cases;
    }

    private static List<Case> allCases() {
        Mutator mutator = new Mutator(SEED, List.of(IMAGES, LABELS, RANK4, ONE));
        Mutator packedMutator = new Mutator(SEED + 1, List.of(gzip(IMAGES), gzip(LABELS), gzip(RANK4), gzip(ONE)));
        List<Case> cases = new ArrayList<>(structured(IMAGES));
        for (Case c : structured(LABELS)) {
            cases.add(new Case(c.how() + ", gzipped", gzip(c.bytes())));
        }
        cases.addAll(gzipDamage(mutator, IMAGES));
        for (int i = 0; i < 1500; i++) {
            cases.add(mutator.next());
        }
        for (int i = 0; i < 1000; i++) {
            cases.add(packedMutator.next());
        }
        for (int i = 0; i < 500; i++) {
            Case c = mutator.next();
            cases.add(new Case(c.how() + ", gzipped", gzip(c.bytes())));
        }
        return cases;
    }

    @Test
    void streamsOfMalformedIdxAreRefusedWithOurMessage() {
        List<Case> cases = allCases();
        Fuzzer.Report report = Fuzzer.run("idx", cases, DatasetException.class, Fuzzer.Limits.DEFAULT,
                (input, name) -> IdxReader.read(new ByteArrayInputStream(input), name));
        Fuzzer.print(report);
        assertTrue(report.cases() >= 5000, report.toString());
        assertTrue(report.accepted() < report.cases() / 2, "most cases are malformed: " + report);
    }

    @Test
    void filesOfMalformedIdxAreRefusedWithOurMessage() throws IOException {
        // Files take the other path through the reader (the file's size is known): every 4th case.
        List<Case> all = allCases();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 4) {
            cases.add(all.get(i));
        }
        Path files = Files.createDirectories(dir.resolve("idx"));
        Fuzzer.Report report = Fuzzer.run("idx-file", files + "/case-", cases, DatasetException.class,
                Fuzzer.Limits.DEFAULT, (input, name) -> {
                    Path file = Path.of(name);
                    Files.write(file, input);
                    try {
                        IdxReader.read(file);
                    } finally {
                        Files.delete(file);
                    }
                });
        Fuzzer.print(report);
        assertTrue(report.cases() >= 1000, report.toString());
    }
}
