package mnist.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import mnist.data.DatasetException;
import org.junit.jupiter.api.Test;

/** The packed image format and its coder: round trips, and corrupt files failing with a DatasetException. */
class PackedImagesTest {
    /** A hang guard only, not a speed limit: every file here decodes in milliseconds. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    static IdxArray images(int count, int rows, int cols, byte[] values) {
        return new IdxArray("test", new int[] {count, rows, cols}, values);
    }

    /** Digit-like images: a box of mostly saturated strokes with anti-aliased edges on a zero background. */
    static IdxArray digitLike(int count, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] values = new byte[count * rows * cols];
        for (int n = 0; n < count; n++) {
            int top = random.nextInt(rows);
            int left = random.nextInt(cols);
            int bottom = top + random.nextInt(rows - top);
            int right = left + random.nextInt(cols - left);
            for (int r = top; r <= bottom; r++) {
                for (int c = left; c <= right; c++) {
                    int kind = random.nextInt(10);
                    int v = kind < 5 ? 0 : kind < 8 ? 252 + random.nextInt(4) : random.nextInt(256);
                    values[(n * rows + r) * cols + c] = (byte) v;
                }
            }
        }
        return images(count, rows, cols, values);
    }

    static IdxArray unpack(byte[] file) throws DatasetException {
        return assertTimeoutPreemptively(HANG_GUARD, () -> PackedImages.read(new ByteArrayInputStream(file), "f.packed"));
    }

    private static void assertRoundTrip(IdxArray images, int chunkImages) throws DatasetException {
        byte[] packed = PackedImages.pack(images, chunkImages);
        IdxArray back = unpack(packed);
        assertArrayEquals(images.shape(), back.shape());
        assertArrayEquals(images.values(), back.values(), images.shapeText() + " in chunks of " + chunkImages);
        // and the encoder is deterministic
        assertArrayEquals(packed, PackedImages.pack(images, chunkImages));
    }

    @Test
    void roundTripsDigitLikeImagesAcrossChunkBoundaries() throws DatasetException {
        for (int count : new int[] {1, 2, 6, 7, 8, 13}) {
            for (int chunk : new int[] {1, 3, 7, 100}) {
                if (chunk <= count || chunk == 100) {
                    assertRoundTrip(digitLike(count, 28, 28, 31L * count + chunk), Math.min(chunk, count));
                }
            }
        }
    }

    @Test
    void roundTripsEdgeCases() throws DatasetException {
        SplittableRandom random = new SplittableRandom(7);
        for (int[] shape : new int[][] {{1, 1, 1}, {3, 1, 5}, {3, 5, 1}, {4, 28, 28}, {2, 255, 255}, {5, 9, 17}}) {
            int n = shape[0] * shape[1] * shape[2];
            byte[] zeros = new byte[n];
            byte[] full = new byte[n];
            Arrays.fill(full, (byte) 255);
            byte[] noise = new byte[n];
            random.nextBytes(noise);
            byte[] ones = new byte[n];
            Arrays.fill(ones, (byte) 1);
            for (byte[] values : new byte[][] {zeros, full, noise, ones}) {
                assertRoundTrip(images(shape[0], shape[1], shape[2], values), 1);
                assertRoundTrip(images(shape[0], shape[1], shape[2], values), shape[0]);
            }
        }
        // a single lit pixel in each corner
        for (int corner = 0; corner < 4; corner++) {
            byte[] values = new byte[28 * 28];
            values[(corner / 2) * 27 * 28 + (corner % 2) * 27] = (byte) 200;
            assertRoundTrip(images(1, 28, 28, values), 1);
        }
    }

    @Test
    void digitLikeImagesShrink() throws DatasetException {
        IdxArray images = digitLike(200, 28, 28, 3);
        byte[] packed = PackedImages.pack(images, 50);
        assertTrue(packed.length < images.length() / 2, packed.length + " bytes for " + images.length());
        byte[] empty = PackedImages.pack(images(1000, 28, 28, new byte[1000 * 784]), 1000);
        assertTrue(empty.length < 100, "1000 empty images took " + empty.length + " bytes");
        assertArrayEquals(new byte[1000 * 784], unpack(empty).values());
    }

    @Test
    void refusesShapesItCannotCode() {
        assertThrows(IllegalArgumentException.class, () -> PackedImages.pack(images(1, 256, 2, new byte[512]), 1));
        assertThrows(IllegalArgumentException.class, () -> PackedImages.pack(new IdxArray("x", new int[] {4}, new byte[4]), 1));
        assertThrows(IllegalArgumentException.class, () -> PackedImages.pack(images(2, 2, 2, new byte[8]), 0));
    }

    private static void assertFails(byte[] file, String... expected) {
        DatasetException e = assertThrows(DatasetException.class, () -> unpack(file));
        assertTrue(e.getMessage().startsWith("f.packed: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
    }

    private static final byte[] GOOD = PackedImages.pack(digitLike(30, 28, 28, 11), 7);
    /** Where the chunks start in GOOD: 5 chunks. */
    private static final int DATA = 32 + 8 * 5 + 4;

    @Test
    void everyFlippedHeaderByteIsFound() {
        for (int at = 0; at < DATA; at++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] bad = GOOD.clone();
                bad[at] ^= (byte) bit;
                assertFails(bad);
            }
        }
    }

    /**
     * A flipped bit in a chunk fails, or, in the last bytes of the range coder's flush, which no decision
     * reads in full, changes nothing: either way nothing wrong comes out.
     */
    @Test
    void flippedChunkBytesAreFound() throws DatasetException {
        SplittableRandom random = new SplittableRandom(5);
        IdxArray original = unpack(GOOD);
        int harmless = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] bad = GOOD.clone();
            int at = DATA + random.nextInt(GOOD.length - DATA);
            bad[at] ^= (byte) (1 << random.nextInt(8));
            try {
                assertArrayEquals(original.values(), unpack(bad).values(), "flipped a bit at " + at);
                harmless++;
            } catch (DatasetException e) {
                assertTrue(e.getMessage().startsWith("f.packed: corrupt chunk "), e.getMessage());
            }
        }
        assertTrue(harmless < 20, harmless + " of 400 flips changed nothing");
    }

    @Test
    void truncationAnywhereIsFound() {
        for (int length = 0; length < GOOD.length; length += length < DATA + 8 ? 1 : 37) {
            assertFails(Arrays.copyOf(GOOD, length));
        }
        assertFails(Arrays.copyOf(GOOD, GOOD.length - 1), "truncated: expected " + GOOD.length + " bytes, found " + (GOOD.length - 1));
        assertFails(Arrays.copyOf(GOOD, GOOD.length + 1), "trailing bytes");
    }

    @Test
    void wrongMagicAndVersionAreNamed() {
        byte[] gzip = {0x1F, (byte) 0x8B, 8, 0, 0, 0};
        assertFails(gzip, "not a packed IDX file: starts with 1F 8B 08 00, expected 49 44 58 50 (IDXP)");
        assertFails(new byte[0], "not a packed IDX file");
        byte[] version = withHeaderCrc(GOOD.clone(), 4, 2);
        assertFails(version, "unsupported version 2, expected 1");
    }

    @Test
    void absurdSizesAreRefusedBeforeAllocating() {
        // forged headers, with a correct header CRC: only the limits stop them
        assertFails(withHeaderCrc(GOOD.clone(), 12, Integer.MAX_VALUE), "bad header");   // count
        assertFails(withHeaderCrc(GOOD.clone(), 16, 256), "bad header: shape 30x256x28");   // rows
        assertFails(withHeaderCrc(GOOD.clone(), 20, 0), "bad header: shape 30x28x0");       // cols
        assertFails(withHeaderCrc(GOOD.clone(), 24, 8), "bad header: 5 chunks of 8 images"); // per chunk
        assertFails(withHeaderCrc(GOOD.clone(), 28, 1 << 20), "bad header");             // chunks
        assertFails(withHeaderCrc(GOOD.clone(), 32, 2), "bad header: chunk 0 of 7 images is 2 bytes long");
        assertFails(withHeaderCrc(GOOD.clone(), 32, Integer.MAX_VALUE), "bad header: chunks of more than");
        // a count that the chunk table agrees with, but far more images than its bytes can hold
        byte[] many = GOOD.clone();
        ByteBuffer.wrap(many).putInt(12, 2_500_000).putInt(24, 500_000).putInt(28, 5);
        assertFails(withHeaderCrc(many, 32, 5), "bad header: chunk 0 of 500000 images is 5 bytes long, expected at least 41");
    }

    /** Sets the int at {@code at} in GOOD's header and makes the header's CRC-32 match again. */
    private static byte[] withHeaderCrc(byte[] file, int at, int value) {
        ByteBuffer buffer = ByteBuffer.wrap(file).putInt(at, value);
        CRC32 crc = new CRC32();
        crc.update(file, 0, DATA - 4);
        buffer.putInt(DATA - 4, (int) crc.getValue());
        return file;
    }

    @Test
    void theFirstCorruptChunkIsTheOneNamed() {
        // chunk 1 and 3 corrupt: whatever thread finishes first, chunk 1 is reported
        int chunk1 = DATA + ByteBuffer.wrap(GOOD).getInt(32);
        byte[] bad = GOOD.clone();
        bad[chunk1 + 10] ^= 0x10;
        int chunk3 = chunk1 + ByteBuffer.wrap(GOOD).getInt(40) + ByteBuffer.wrap(GOOD).getInt(48);
        bad[chunk3 + 10] ^= 0x10;
        for (int i = 0; i < 20; i++) {
            assertFails(bad, "corrupt chunk 1 of 5 (images 7 to 13)");
        }
    }

    @Test
    void rangeCoderRoundTripsSkewedAndRandomBits() {
        SplittableRandom random = new SplittableRandom(9);
        int[] bits = new int[100_000];
        for (int i = 0; i < bits.length; i++) {
            double p = i < 30_000 ? 0.001 : i < 60_000 ? 0.5 : 0.999;   // runs that push probabilities to their limits
            bits[i] = random.nextDouble() < p ? 1 : 0;
        }
        char[] probs = new char[4];
        Arrays.fill(probs, RangeEncoder.HALF);
        RangeEncoder out = new RangeEncoder();
        for (int i = 0; i < bits.length; i++) {
            out.bit(probs, i & 3, bits[i]);
        }
        byte[] coded = out.finish();
        Arrays.fill(probs, RangeEncoder.HALF);
        RangeDecoder in = new RangeDecoder(coded, 0, coded.length);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(bits[i], in.bit(probs, i & 3), "bit " + i);
        }
        assertTrue(in.endedExactly());
        for (char p : probs) {
            assertTrue(p >= 31 && p <= 65505, "probability " + (int) p);
        }
    }
}
