package mnist.data.idx;

import java.util.Arrays;

/**
 * The content of one IDX file of unsigned bytes: its shape, e.g. (60000, 28, 28), and its values in
 * row-major order. Made by {@link IdxReader}, which has checked that the values fill the shape exactly.
 */
public final class IdxArray {
    /** The IDX type code of unsigned bytes, the only type this project reads. */
    static final int UNSIGNED_BYTE = 0x08;

    private final String name;
    private final int[] shape;
    private final byte[] values;

    IdxArray(String name, int[] shape, byte[] values) {
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
    }

    /** The file (path or display name) this array was read from, for messages. */
    public String name() {
        return name;
    }

    /** The number of dimensions, 1 to 4. */
    public int dimensions() {
        return shape.length;
    }

    /** The size of dimension {@code d}; dimension 0 is the number of items. */
    public int dimension(int d) {
        return shape[d];
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of values, the product of the shape. */
    public int length() {
        return values.length;
    }

    /** The value at flat row-major {@code index}, 0 to 255. */
    public int unsignedValue(int index) {
        return values[index] & 0xFF;
    }

    /** The values, shared, not copied (they can be large): the caller must not modify them. */
    public byte[] values() {
        return values;
    }

    /** The IDX header this array would be written with: magic, type code, rank, sizes (big-endian). */
    public byte[] header() {
        byte[] header = new byte[4 + 4 * shape.length];
        header[2] = (byte) UNSIGNED_BYTE;
        header[3] = (byte) shape.length;
        for (int d = 0; d < shape.length; d++) {
            int size = shape[d];
            header[4 + 4 * d] = (byte) (size >>> 24);
            header[5 + 4 * d] = (byte) (size >>> 16);
            header[6 + 4 * d] = (byte) (size >>> 8);
            header[7 + 4 * d] = (byte) size;
        }
        return header;
    }

    /** The shape written as in messages, e.g. {@code 60000x28x28}. */
    public String shapeText() {
        return shapeText(shape);
    }

    static String shapeText(int[] shape) {
        StringBuilder text = new StringBuilder();
        for (int size : shape) {
            text.append(text.isEmpty() ? "" : "x").append(size);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return name + ": " + shapeText() + " unsigned bytes";
    }

    /** Equal if the shapes and values are; the names are not compared. */
    @Override
    public boolean equals(Object other) {
        return other instanceof IdxArray that
                && Arrays.equals(shape, that.shape) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }
}
