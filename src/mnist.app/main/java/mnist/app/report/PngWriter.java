package mnist.app.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes 8-bit grayscale or RGB images as PNG: the signature, IHDR, one IDAT of the deflated rows
 * (each row with its filter byte: none, or "up" where that is smaller), IEND; each chunk with its CRC32.
 * Our own code on java.util.zip, not javax.imageio, whose module (java.desktop) would add about 20 MB
 * to the runtime image.
 */
final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngWriter() {
    }

    /**
     * The PNG file of an image {@code width x height} with {@code channels} bytes per pixel (1: gray,
     * 3: RGB), {@code pixels} row-major.
     */
    static byte[] encode(int width, int height, int channels, byte[] pixels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("1 (gray) or 3 (RGB) channels, got " + channels);
        }
        if (width < 1 || height < 1 || (long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException(width + "x" + height + "x" + channels + " does not match "
                    + pixels.length + " bytes");
        }
        int stride = width * channels;
        byte[] filtered = new byte[height * (1 + stride)];
        for (int y = 0; y < height; y++) {
            int out = y * (1 + stride);
            int in = y * stride;
            // Filter "up" (2) pays off on the flat areas of charts; a row like the one above becomes zeros.
            boolean up = y > 0 && sameAsAbove(pixels, in, stride);
            filtered[out] = (byte) (up ? 2 : 0);
            for (int i = 0; i < stride; i++) {
                filtered[out + 1 + i] = up ? (byte) (pixels[in + i] - pixels[in - stride + i]) : pixels[in + i];
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8;                                  // bits per sample
        header[9] = (byte) (channels == 1 ? 0 : 2);     // colour type: gray or RGB
        // compression 0 (deflate), filter method 0, no interlace: the remaining three bytes stay 0
        chunk(png, "IHDR", header);
        chunk(png, "IDAT", deflate(filtered));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** Whether most of the row equals the row above, so that filter "up" leaves mostly zeros. */
    private static boolean sameAsAbove(byte[] pixels, int row, int stride) {
        int same = 0;
        for (int i = 0; i < stride; i++) {
            same += pixels[row + i] == pixels[row - stride + i] ? 1 : 0;
        }
        return same * 2 > stride;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
            byte[] buffer = new byte[65536];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        png.writeBytes(length);
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] sum = new byte[4];
        putInt(sum, 0, (int) crc.getValue());
        png.writeBytes(sum);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
