package mnist.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mnist.data.DatasetException;
import mnist.testkit.Fuzzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgmTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static DatasetException refused(byte[] bytes) {
        DatasetException e = assertThrows(DatasetException.class, () -> DigitImages.decode(bytes, "x.pgm"));
        assertTrue(e.getMessage().startsWith("x.pgm: "), e.getMessage());
        return e;
    }

    @Test
    void plainWithComments() throws DatasetException {
        GrayImage image = DigitImages.decode(ascii("P2\n# a comment\n3 2 # width height\n4\n0 1 2\n3 4 0\n"), "p2");
        assertEquals(3, image.width());
        assertEquals(2, image.height());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 0}, image.pixels());
    }

    @Test
    void binaryEightAndSixteenBits(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream p5 = new ByteArrayOutputStream();
        p5.writeBytes(ascii("P5 2 2 255\n"));
        p5.writeBytes(new byte[] {0, (byte) 255, (byte) 51, 102});
        Path file = dir.resolve("d.pgm");
        Files.write(file, p5.toByteArray());
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, DigitImages.read(file).pixels());

        ByteArrayOutputStream wide = new ByteArrayOutputStream();
        wide.writeBytes(ascii("P5\n2 1\n65535\n"));
        wide.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0x80, 0});
        GrayImage image = DigitImages.decode(wide.toByteArray(), "w");
        assertEquals(1f, image.at(0, 0));
        assertEquals(32768 / 65535f, image.at(1, 0), 1e-7f);
    }

    @Test
    void malformedFilesAreRefused(@TempDir Path dir) {
        assertEquals("x.pgm: Netpbm format P6 is not supported (only PGM: P2 and P5)", refused(ascii("P6 1 1 255\n...")).getMessage());
        assertEquals("truncated: 3 bytes of pixels, expected 4", refused(ascii("P5 2 2 255\nabc")).problem());
        assertEquals("1 bytes after the pixels", refused(ascii("P5 2 2 255\nabcde")).problem());
        assertEquals("pixel 1 is 9, above maxval 4", refused(ascii("P2 2 1 4 0 9")).problem());
        assertEquals("maxval 70000 is outside 1..65535", refused(ascii("P2 1 1 70000 0")).problem());
        assertEquals("maxval 0 is outside 1..65535", refused(ascii("P2 1 1 0 0")).problem());
        assertTrue(refused(ascii("P5 100000 100000 255\n")).problem().contains("each side must be 1 to 8192"));
        assertTrue(refused(ascii("P2 2 2 255 1 2 3")).problem().startsWith("truncated"));
        assertTrue(refused(ascii("P2 1 1 255 1 x")).problem().startsWith("unexpected data"));
        assertTrue(refused(ascii("P2 -1 1 255 1")).problem().startsWith("expected a number"));
        assertEquals("x.pgm: empty file", refused(new byte[0]).getMessage());
        Path missing = dir.resolve("none.pgm");
        assertEquals(missing + ": no such file",
                assertThrows(DatasetException.class, () -> DigitImages.read(missing)).getMessage());
    }

    @Test
    void headerClaimingTheLargestImageAllocatesNothing() {
        // Found by ImageFuzzTest: "P2 8192 8192 1" allocated the 256 MB of pixels before reading any.
        long before = mnist.testkit.Fuzzer.allocatedBytes();
        assertEquals("truncated: 67108864 pixels cannot fit in the 4 bytes after the header",
                refused(ascii("P2 8192 8192 1 1 0")).problem());
        assertEquals("truncated: 3 bytes of pixels, expected 134217728", refused(ascii("P5 8192 8192 65535\nabc")).problem());
        long allocated = mnist.testkit.Fuzzer.allocatedBytes() - before;
        System.out.printf("PGM headers claiming 8192x8192: refused, %d KB allocated%n", allocated >> 10);
        assertTrue(allocated < 1 << 20, "allocated " + allocated);
    }
}
