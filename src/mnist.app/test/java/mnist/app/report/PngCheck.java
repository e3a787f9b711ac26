package mnist.app.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal PNG check, independent of the writer: the signature, chunk lengths and CRCs, IHDR, IDAT
 * inflating to exactly height * (1 + width * channels) bytes, IEND last; and the pixels, unfiltered.
 */
public final class PngCheck {
    /** What the check found: the size, the channels, and the unfiltered pixels. */
    public record Image(int width, int height, int channels, byte[] pixels) {
    }

    private PngCheck() {
    }

    public static Image check(byte[] png) {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                java.util.Arrays.copyOf(png, 8), "PNG signature");
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        int width = -1;
        int height = -1;
        int channels = -1;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        String last = null;
        int chunks = 0;
        while (in.hasRemaining()) {
            assertTrue(in.remaining() >= 12, "truncated chunk");
            int length = in.getInt();
            assertTrue(length >= 0 && length <= in.remaining() - 8, "chunk length " + length);
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            String name = new String(type, StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), in.getInt(), "CRC of chunk " + name);
            if (chunks++ == 0) {
                assertEquals("IHDR", name, "first chunk");
                assertEquals(13, length, "IHDR length");
                ByteBuffer h = ByteBuffer.wrap(data);
                width = h.getInt();
                height = h.getInt();
                assertEquals(8, h.get(), "bit depth");
                byte colour = h.get();
                assertTrue(colour == 0 || colour == 2, "colour type gray or RGB, got " + colour);
                channels = colour == 0 ? 1 : 3;
                assertEquals(0, h.get(), "compression");
                assertEquals(0, h.get(), "filter method");
                assertEquals(0, h.get(), "interlace");
            } else if (name.equals("IDAT")) {
                idat.writeBytes(data);
            }
            last = name;
        }
        assertEquals("IEND", last, "last chunk");
        assertTrue(width > 0 && height > 0, "dimensions " + width + "x" + height);
        byte[] raw = inflate(idat.toByteArray(), height * (1 + width * channels) + 1);
        assertEquals(height * (1 + width * channels), raw.length, "inflated size = height * (1 + width * channels)");
        int stride = width * channels;
        byte[] pixels = new byte[height * stride];
        for (int y = 0; y < height; y++) {
            int filter = raw[y * (1 + stride)];
            for (int i = 0; i < stride; i++) {
                int v = raw[y * (1 + stride) + 1 + i] & 0xFF;
                int left = i >= channels ? pixels[y * stride + i - channels] & 0xFF : 0;
                int up = y > 0 ? pixels[(y - 1) * stride + i] & 0xFF : 0;
                pixels[y * stride + i] = (byte) switch (filter) {
                    case 0 -> v;
                    case 1 -> v + left;
                    case 2 -> v + up;
                    default -> throw new AssertionError("row " + y + ": filter " + filter + " (the writer uses 0 and 2)");
                };
            }
        }
        return new Image(width, height, channels, pixels);
    }

    private static byte[] inflate(byte[] data, int limit) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new AssertionError("IDAT data ends before the deflate stream does");
                }
                out.write(buffer, 0, n);
                assertTrue(out.size() <= limit, "IDAT inflates to more than height * (1 + width * channels)");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("IDAT is not a valid deflate stream: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
