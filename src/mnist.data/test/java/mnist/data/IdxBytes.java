package mnist.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files, well-formed or not, for tests. */
final class IdxBytes {
    private IdxBytes() {}

    /** A header with any type code and sizes (even nonsensical ones), followed by {@code data}. */
    static byte[] idx(int typeCode, int[] shape, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
        out.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) shape.length);
        for (int size : shape) {
            out.putInt(size);
        }
        return out.put(data).array();
    }

    /** A well-formed unsigned-byte IDX file whose values are {@code data}. */
    static byte[] unsignedBytes(int[] shape, byte[] data) {
        return idx(0x08, shape, data);
    }

    /** Images (n, rows, cols) whose pixel p of image i is (i * 31 + p) % 256, so each image differs. */
    static byte[] images(int n, int rows, int cols) {
        byte[] pixels = new byte[n * rows * cols];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < rows * cols; p++) {
                pixels[i * rows * cols + p] = (byte) ((i * 31 + p) % 256);
            }
        }
        return unsignedBytes(new int[] {n, rows, cols}, pixels);
    }

    /** Labels (n) with the given values. */
    static byte[] labels(int... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return unsignedBytes(new int[] {values.length}, data);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packed.toByteArray();
    }
}
