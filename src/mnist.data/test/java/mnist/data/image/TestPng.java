package mnist.data.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder for the tests, written from the specification independently of {@link Png}: any
 * colour type and bit depth, samples given as ints (row-major, {@code channels} per pixel), row y
 * filtered with filter type {@code y % 5} so that every filter is exercised.
 */
final class TestPng {
    private TestPng() {
    }

    static byte[] encode(int width, int height, int colourType, int depth, int[] samples, byte[] palette, byte[] trns) {
        int channels = switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            default -> 4;
        };
        int stride = (width * channels * depth + 7) / 8;
        int bpp = Math.max(1, channels * depth / 8);
        byte[] rows = new byte[height * stride];
        for (int y = 0; y < height; y++) {
            for (int s = 0; s < width * channels; s++) {
                int v = samples[y * width * channels + s];
                int off = y * stride;
                if (depth == 16) {
                    rows[off + 2 * s] = (byte) (v >>> 8);
                    rows[off + 2 * s + 1] = (byte) v;
                } else if (depth == 8) {
                    rows[off + s] = (byte) v;
                } else {
                    int perByte = 8 / depth;
                    int shift = 8 - depth * (s % perByte + 1);
                    rows[off + s / perByte] |= (byte) (v << shift);
                }
            }
        }
        ByteArrayOutputStream filtered = new ByteArrayOutputStream();
        for (int y = 0; y < height; y++) {
            int filter = y % 5;
            filtered.write(filter);
            for (int i = 0; i < stride; i++) {
                int x = rows[y * stride + i] & 0xFF;
                int a = i >= bpp ? rows[y * stride + i - bpp] & 0xFF : 0;
                int b = y > 0 ? rows[(y - 1) * stride + i] & 0xFF : 0;
                int c = i >= bpp && y > 0 ? rows[(y - 1) * stride + i - bpp] & 0xFF : 0;
                int predictor = switch (filter) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    default -> {
                        int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
                        yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    }
                };
                filtered.write((x - predictor) & 0xFF);
            }
        }
        byte[] compressed = deflate(filtered.toByteArray());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(Png.SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) depth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "tEXt", "Comment\0made by TestPng".getBytes(StandardCharsets.ISO_8859_1));
        if (palette != null) {
            chunk(png, "PLTE", palette);
        }
        if (trns != null) {
            chunk(png, "tRNS", trns);
        }
        // split the image data over two IDAT chunks, as encoders may
        int half = compressed.length / 2;
        chunk(png, "IDAT", java.util.Arrays.copyOfRange(compressed, 0, half));
        chunk(png, "IDAT", java.util.Arrays.copyOfRange(compressed, half, compressed.length));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(t);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
