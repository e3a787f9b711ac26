package mnist.data;

import static mnist.data.IdxBytes.gzip;
import static mnist.data.IdxBytes.idx;
import static mnist.data.IdxBytes.unsignedBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import mnist.data.idx.IdxArray;
import mnist.data.idx.IdxReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static final byte[] SIX_VALUES = {0, 1, 2, (byte) 253, (byte) 254, (byte) 255};
    private static final byte[] GOOD = unsignedBytes(new int[] {2, 3}, SIX_VALUES);

    @Test
    void readsPlainAndGzippedFilesWhateverTheirNames() throws IOException {
        for (String name : new String[] {"plain", "plain.gz"}) {
            assertGood(IdxReader.read(write(name, GOOD)));
        }
        for (String name : new String[] {"packed.gz", "packed-without-suffix"}) {
            assertGood(IdxReader.read(write(name, gzip(GOOD))));
        }
        assertGood(IdxReader.read(new ByteArrayInputStream(GOOD), "stream"));
        assertGood(IdxReader.read(new ByteArrayInputStream(gzip(GOOD)), "gzipped stream"));
    }

    private static void assertGood(IdxArray array) {
        assertArrayEquals(new int[] {2, 3}, array.shape());
        assertEquals(6, array.length());
        int[] values = new int[6];
        Arrays.setAll(values, array::unsignedValue);
        assertArrayEquals(new int[] {0, 1, 2, 253, 254, 255}, values);
    }

    @Test
    void readsEveryRankFromOneToFour() throws IOException {
        for (int rank = 1; rank <= 4; rank++) {
            int[] shape = new int[rank];
            Arrays.fill(shape, 2);
            byte[] data = new byte[1 << rank];
            IdxArray array = IdxReader.read(write("rank" + rank, unsignedBytes(shape, data)));
            assertArrayEquals(shape, array.shape());
        }
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        byte[] content = GOOD.clone();
        content[0] = 0x12;
        content[1] = 0x34;
        assertFails("magic", content, "not an IDX file: starts with 12 34, expected magic 00 00");
    }

    @Test
    void rejectsOtherTypeCodesByName() throws IOException {
        assertFails("floats", idx(0x0D, new int[] {1}, new byte[4]),
                "unsupported IDX type code 0x0D (float): only 0x08 (unsigned byte) is supported");
        assertFails("signed", idx(0x09, new int[] {1}, new byte[1]), "unsupported IDX type code 0x09 (signed byte)");
        assertFails("nonsense", idx(0x42, new int[] {1}, new byte[1]), "unsupported IDX type code 0x42");
    }

    @Test
    void rejectsZeroOrTooManyDimensions() throws IOException {
        assertFails("rank0", unsignedBytes(new int[0], new byte[0]), "bad IDX header: 0 dimensions, expected 1 to 4");
        assertFails("rank5", unsignedBytes(new int[] {1, 1, 1, 1, 1}, new byte[1]),
                "bad IDX header: 5 dimensions, expected 1 to 4");
    }

    @Test
    void rejectsEmptyOrNegativeDimensions() throws IOException {
        assertFails("zero", unsignedBytes(new int[] {3, 0, 28}, new byte[0]),
                "bad IDX header: dimension 1 has size 0, expected at least 1");
        assertFails("negative", unsignedBytes(new int[] {Integer.MIN_VALUE}, new byte[0]),
                "dimension 0 has size -2147483648");
    }

    @Test
    void rejectsShapesBeyondOneArrayWithoutAllocating() throws IOException {
        // 65536^3 overflows an int and 2^31-1 squared overflows nothing in a long but the cap.
        assertFails("overflow", unsignedBytes(new int[] {65536, 65536, 65536}, new byte[16]),
                "shape 65536x65536x65536 holds more than 2147483639 values");
        assertFails("huge", unsignedBytes(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE}, new byte[16]), "holds more than 2147483639 values");
        assertFails("just-over", unsignedBytes(new int[] {Integer.MAX_VALUE - 7}, new byte[0]),
                "holds more than 2147483639 values");
    }

    @Test
    void headerClaimingGigabytesFailsFastWithoutAllocatingThem() throws IOException {
        // 2e9 values fit the cap, so only the data present can refute the header. The test heap
        // (-Xmx3g) could hold 2 GB, so measure what reading allocates rather than wait for an OOM.
        byte[] lying = unsignedBytes(new int[] {2_000_000_000}, new byte[100]);
        byte[] forged = gzip(lying);
        // A forged trailer that agrees with the header must not be believed either.
        ByteBuffer.wrap(forged, forged.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2_000_000_008);
        long start = System.nanoTime();
        long before = AllocatedBytes.ofCurrentThread();
        assertFails("lying", lying, "truncated: expected 2000000008 bytes for shape 2000000000, found 108");
        assertFails("lying.gz", gzip(lying), "truncated: expected 2000000008 bytes", "found 108");
        assertFails("forged.gz", forged, "corrupt gzip: Corrupt GZIP trailer");
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxReader.read(new ByteArrayInputStream(gzip(lying)), "lying stream"));
        assertEquals("lying stream: truncated: expected 2000000008 bytes for shape 2000000000, found 108",
                e.getMessage());
        long allocated = AllocatedBytes.ofCurrentThread() - before;
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("lying headers: allocated %d KB, %d ms%n", allocated / 1024, millis);
        assertTrue(allocated < 32 << 20, "allocated " + allocated + " bytes for a 108-byte file");
    }

    @Test
    void rejectsTruncatedHeaders() throws IOException {
        assertFails("empty", new byte[0], "truncated header: expected at least 4 bytes, found 0");
        assertFails("three", new byte[] {0, 0, 8}, "truncated header: expected at least 4 bytes, found 3");
        assertFails("sizes", Arrays.copyOf(IdxBytes.images(2, 28, 28), 10), "truncated header: expected 16 bytes, found 10");
        assertFails("sizes.gz", gzip(Arrays.copyOf(IdxBytes.images(2, 28, 28), 10)),
                "truncated header: expected 16 bytes, found 10");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] images = IdxBytes.images(3, 28, 28);
        byte[] cut = Arrays.copyOf(images, images.length - 1);
        assertFails("cut", cut, "truncated: expected 2368 bytes for shape 3x28x28, found 2367");
        assertFails("cut.gz", gzip(cut), "truncated: expected 2368 bytes for shape 3x28x28, found 2367");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] longer = Arrays.copyOf(GOOD, GOOD.length + 3);
        assertFails("long", longer, "trailing bytes: expected 18 bytes for shape 2x3, found 21");
        assertFails("long.gz", gzip(longer), "trailing bytes: more than the 18 bytes shape 2x3 needs");
    }

    @Test
    void rejectsBytesAfterTheGzipStream() throws IOException {
        // Found by IdxFuzzTest: GZIPInputStream ignores whatever follows a member unless it is another member.
        byte[] packed = gzip(GOOD);
        for (byte[] tail : new byte[][] {{0}, new byte[20], {0x1F, (byte) 0x8B}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}) {
            byte[] content = Arrays.copyOf(packed, packed.length + tail.length);
            System.arraycopy(tail, 0, content, packed.length, tail.length);
            assertFails("tail" + tail.length + ".gz", content, "trailing bytes after the end of the gzip stream");
            DatasetException e = assertThrows(DatasetException.class,
                    () -> IdxReader.read(new ByteArrayInputStream(content), "stream.gz"));
            assertEquals("stream.gz: trailing bytes after the end of the gzip stream", e.getMessage());
        }
        // Concatenated members are still one gzip stream (RFC 1952), as gunzip reads them.
        byte[] two = IdxBytes.unsignedBytes(new int[] {2, 3}, SIX_VALUES);
        byte[] first = gzip(Arrays.copyOf(two, 10));
        byte[] second = gzip(Arrays.copyOfRange(two, 10, two.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertGood(IdxReader.read(write("two-members.gz", both)));
    }

    @Test
    void rejectsTruncatedGzip() throws IOException {
        byte[] packed = gzip(IdxBytes.images(50, 28, 28));
        assertFails("half.gz", Arrays.copyOf(packed, packed.length / 2), "truncated gzip stream");
        // Only the 8-byte trailer (CRC and size) missing: all data arrives, the end marker does not.
        assertFails("notrailer.gz", Arrays.copyOf(packed, packed.length - 8), "truncated gzip stream");
        assertFails("header.gz", Arrays.copyOf(packed, 5), "truncated gzip header");
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        // A valid gzip header, then a deflate block of the reserved type 3.
        byte[] garbage = {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0, 0, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, 0, 0};
        assertFails("garbage.gz", garbage, "corrupt gzip: invalid block type");
        byte[] badCrc = gzip(GOOD);
        badCrc[badCrc.length - 8] ^= 1;
        assertFails("crc.gz", badCrc, "corrupt gzip: Corrupt GZIP trailer");
        byte[] badMethod = gzip(GOOD);
        badMethod[2] = 7;
        assertFails("method.gz", badMethod, "corrupt gzip: Unsupported compression method");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nothing-here");
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(missing));
        assertEquals(missing + ": not found", e.getMessage());
        assertEquals(missing.toString(), e.file());
        assertEquals("not found", e.problem());
    }

    @Test
    void streamErrorsUseTheDisplayName() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxReader.read(new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "my-display-name"));
        assertEquals("my-display-name: not an IDX file: starts with 01 02, expected magic 00 00", e.getMessage());
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** Writes {@code content} to a file {@code name}; reading it must fail naming the file and the problem. */
    private void assertFails(String name, byte[] content, String... problemParts) throws IOException {
        Path file = write(name, content);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String part : problemParts) {
            assertTrue(e.problem().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        }
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }
}
