package mnist.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import mnist.data.DatasetException;
import mnist.testkit.Fuzzer;
import org.junit.jupiter.api.Test;

/** The PNG decoder against images written by {@link TestPng}: every colour type and depth, and damage. */
class PngTest {
    private static final int W = 13;  // odd sizes so that sub-byte rows end mid-byte
    private static final int H = 7;

    private static DatasetException refused(byte[] bytes) {
        DatasetException e = assertThrows(DatasetException.class, () -> DigitImages.decode(bytes, "x.png"));
        assertTrue(e.getMessage().startsWith("x.png: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        return e;
    }

    private static void assertGray(float[] expected, GrayImage image, float tolerance) {
        assertEquals(W, image.width());
        assertEquals(H, image.height());
        float[] got = image.pixels();
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - got[i]));
            assertEquals(expected[i], got[i], tolerance, "pixel " + i);
        }
    }

    @Test
    void grayAtEveryDepth() throws DatasetException {
        SplittableRandom random = new SplittableRandom(1);
        for (int depth : new int[] {1, 2, 4, 8, 16}) {
            int max = (1 << depth) - 1;
            int[] samples = random.ints(W * H, 0, max + 1).toArray();
            float[] expected = new float[W * H];
            for (int i = 0; i < samples.length; i++) {
                expected[i] = (float) samples[i] / max;
            }
            assertGray(expected, DigitImages.decode(TestPng.encode(W, H, 0, depth, samples, null, null), "g"), 1e-6f);
        }
        System.out.println("gray PNG at depths 1, 2, 4, 8, 16: exact");
    }

    @Test
    void rgbAndAlphaAtEightAndSixteenBits() throws DatasetException {
        SplittableRandom random = new SplittableRandom(2);
        for (int depth : new int[] {8, 16}) {
            int max = (1 << depth) - 1;
            for (int type : new int[] {2, 4, 6}) {
                int channels = type == 2 ? 3 : type == 4 ? 2 : 4;
                int[] samples = random.ints(W * H * channels, 0, max + 1).toArray();
                float[] expected = new float[W * H];
                for (int p = 0; p < W * H; p++) {
                    int s = p * channels;
                    float g = type == 4 ? samples[s] : 0.299f * samples[s] + 0.587f * samples[s + 1] + 0.114f * samples[s + 2];
                    float alpha = type == 2 ? 1f : (float) samples[s + channels - 1] / max;
                    expected[p] = g / max * alpha + (1 - alpha);
                }
                assertGray(expected, DigitImages.decode(TestPng.encode(W, H, type, depth, samples, null, null), "c"), 1e-5f);
            }
        }
        System.out.println("PNG colour types 2, 4, 6 at depths 8 and 16: within 1e-5 of luma composited on white");
    }

    @Test
    void paletteWithTransparency() throws DatasetException {
        SplittableRandom random = new SplittableRandom(3);
        for (int depth : new int[] {1, 2, 4, 8}) {
            int entries = Math.min(1 << depth, 5);
            byte[] palette = new byte[3 * entries];
            random.nextBytes(palette);
            byte[] trns = {(byte) 128, (byte) 255, 0}; // entries 0..2; the rest opaque
            int[] samples = random.ints(W * H, 0, entries).toArray();
            float[] expected = new float[W * H];
            for (int p = 0; p < samples.length; p++) {
                int e = samples[p];
                float g = (0.299f * (palette[3 * e] & 0xFF) + 0.587f * (palette[3 * e + 1] & 0xFF)
                        + 0.114f * (palette[3 * e + 2] & 0xFF)) / 255f;
                float alpha = e < 3 && e < entries ? (trns[e] & 0xFF) / 255f : 1f;
                expected[p] = g * alpha + (1 - alpha);
            }
            byte[] png = TestPng.encode(W, H, 3, depth, samples, palette, Arrays.copyOf(trns, Math.min(3, entries)));
            assertGray(expected, DigitImages.decode(png, "p"), 1e-5f);
        }
    }

    @Test
    void grayTransparencyKey() throws DatasetException {
        int[] samples = new int[W * H];
        samples[0] = 10;
        byte[] png = TestPng.encode(W, H, 0, 8, samples, null, new byte[] {0, 0});
        GrayImage image = DigitImages.decode(png, "k");
        assertEquals(10 / 255f, image.at(0, 0), 1e-6f);
        assertEquals(1f, image.at(1, 0), "sample 0 is transparent: white");
    }

    private static byte[] gray8() {
        return TestPng.encode(W, H, 0, 8, new int[W * H], null, null);
    }

    /** The offset of the first chunk of this type. */
    private static int chunkAt(byte[] png, String type) {
        for (int pos = 8; pos < png.length; ) {
            int len = ByteBuffer.wrap(png).getInt(pos);
            if (new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals(type)) {
                return pos;
            }
            pos += 12 + len;
        }
        throw new AssertionError(type);
    }

    @Test
    void damageIsRefusedWithAClearMessage() {
        byte[] good = gray8();
        byte[] sig = good.clone();
        sig[1] = 'Q';
        assertEquals("x.png: not a PNG or PGM image", refused(sig).getMessage());
        byte[] sig2 = good.clone();
        sig2[6] = 0;
        assertEquals("x.png: not a PNG file (bad signature)", refused(sig2).getMessage());

        for (int pos = 8; pos < good.length; pos++) {  // every single-byte change after the signature
            byte[] bad = good.clone();
            bad[pos] ^= 0x20;
            refused(bad);
        }
        byte[] crc = good.clone();
        crc[chunkAt(good, "IDAT") + 9] ^= 1;
        assertEquals("x.png: CRC mismatch in chunk IDAT: the file is corrupt", refused(crc).getMessage());
        for (int len = 0; len < good.length; len++) {
            refused(Arrays.copyOf(good, len));
        }
        assertTrue(refused(Arrays.copyOf(good, good.length - 12)).problem().startsWith("truncated"));
        assertTrue(refused(Arrays.copyOf(good, good.length + 3)).problem().contains("after the IEND chunk"));
    }

    private static byte[] withChunks(String ihdrOverride, int width, int height, boolean idat, boolean iend, byte[] data) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(Png.SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) (ihdrOverride.equals("interlaced") ? 1 : 0));
        TestPng.chunk(png, "IHDR", ihdr.array());
        if (idat) {
            TestPng.chunk(png, "IDAT", TestPng.deflate(data));
        }
        if (iend) {
            TestPng.chunk(png, "IEND", new byte[0]);
        }
        return png.toByteArray();
    }

    @Test
    void structuralProblemsAreNamed() throws DatasetException {
        byte[] rows = new byte[2 * (1 + 2)]; // 2x2 gray, filter bytes 0
        assertEquals(2, DigitImages.decode(withChunks("", 2, 2, true, true, rows), "ok").width());
        assertTrue(refused(withChunks("", 100_000, 100_000, true, true, rows)).problem()
                .contains("each side must be 1 to 8192"));
        assertTrue(refused(withChunks("", 0, 5, true, true, rows)).problem().contains("each side must be 1 to 8192"));
        assertEquals("no IDAT chunk: the file holds no image data",
                refused(withChunks("", 2, 2, false, true, rows)).problem());
        assertTrue(refused(withChunks("", 2, 2, true, false, rows)).problem().startsWith("truncated"));
        // interlaced, 2x2 at 8 bits: Adam7's passes 1, 6 and 7 hold pixels: 2 + 2 + 3 bytes of scanlines
        GrayImage adam7 = DigitImages.decode(withChunks("interlaced", 2, 2, true, true, new byte[] {0, 10, 0, 20, 0, 30, 40}),
                "adam7");
        assertEquals(List.of(10 / 255f, 20 / 255f, 30 / 255f, 40 / 255f), List.of(adam7.pixels()[0], adam7.pixels()[1],
                adam7.pixels()[2], adam7.pixels()[3]));
        assertTrue(refused(withChunks("interlaced", 2, 2, true, true, rows)).problem().startsWith("truncated image data"));
        assertTrue(refused(withChunks("", 2, 2, true, true, new byte[7])).problem().contains("inflates to more"));
        assertTrue(refused(withChunks("", 2, 2, true, true, new byte[5])).problem().startsWith("truncated image data"));
        byte[] badFilter = rows.clone();
        badFilter[3] = 9;
        assertEquals("unknown filter type 9 on row 1", refused(withChunks("", 2, 2, true, true, badFilter)).problem());
        // a bomb: 2x2 declared, 50 MB of zeros compressed into the stream; refused without inflating it all
        assertTrue(refused(withChunks("", 2, 2, true, true, new byte[50 << 20])).problem().contains("inflates to more"));
    }

    @Test
    void headerClaimingTheLargestImageAllocatesNothing() {
        // Found by ImageFuzzTest: an IHDR of 8192x8192 over a few bytes of data allocated all its scanlines
        // (up to 537 MB for RGBA at 16 bits) before inflating anything. Deflate unpacks at most 1032 bytes a byte.
        byte[] rows = new byte[100];
        long before = mnist.testkit.Fuzzer.allocatedBytes();
        DatasetException e = refused(withChunks("", 8192, 8192, true, true, rows));
        long allocated = mnist.testkit.Fuzzer.allocatedBytes() - before;
        assertTrue(e.problem().startsWith("truncated: a 8192x8192 image needs 67117056 bytes of image data, more than the"),
                e.problem());
        System.out.printf("PNG header claiming 8192x8192 over %d bytes: refused, %d KB allocated%n", rows.length, allocated >> 10);
        assertTrue(allocated < 1 << 20, "allocated " + allocated);
    }
}
