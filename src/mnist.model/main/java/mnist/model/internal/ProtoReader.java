package mnist.model.internal;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol buffers wire format (see {@link ProtoWriter}) one field at a time, within bounds:
 * every length is checked against what is left, so a damaged file ends in an {@link IllegalArgumentException}
 * that says where, never in an out-of-bounds read or a huge allocation.
 */
final class ProtoReader {
    private final byte[] data;
    private int pos;
    private final int end;
    private int field;
    private int wireType;

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int from, int to) {
        this.data = data;
        this.pos = from;
        this.end = to;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field < 1 || key >>> 3 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad field number " + (key >>> 3) + " at byte " + pos);
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("cut short inside a number at byte " + pos);
            }
            int b = data[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return v;
            }
        }
        throw new IllegalArgumentException("a number longer than 10 bytes at byte " + pos);
    }

    /** The current field as an integer (a varint). */
    long int64() {
        expect(0);
        return varint();
    }

    float float32() {
        expect(5);
        if (end - pos < 4) {
            throw new IllegalArgumentException("cut short inside a float at byte " + pos);
        }
        int bits = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** The current length-delimited field's bounds: [start, start + length). */
    private int length() {
        expect(2);
        long length = varint();
        if (length < 0 || length > end - pos) {
            throw new IllegalArgumentException("a field of " + length + " bytes where " + (end - pos) + " are left, at byte " + pos);
        }
        return (int) length;
    }

    byte[] bytes() {
        int length = length();
        byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        return b;
    }

    String string() {
        int length = length();
        String s = new String(data, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** The current field as an embedded message, read by the returned reader. */
    ProtoReader message() {
        int length = length();
        ProtoReader m = new ProtoReader(data, pos, pos + length);
        pos += length;
        return m;
    }

    /** The values of a repeated int64 field: one (unpacked) or a packed run of them. */
    long[] int64s() {
        if (wireType == 0) {
            return new long[] {varint()};
        }
        ProtoReader run = message();
        long[] values = new long[8];
        int n = 0;
        while (run.pos < run.end) {
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            values[n++] = run.varint();
        }
        return java.util.Arrays.copyOf(values, n);
    }

    /** Skips the current field. */
    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> advance(8);
            case 2 -> advance(length());
            case 5 -> advance(4);
            default -> throw new IllegalArgumentException("unknown wire type " + wireType + " at byte " + pos);
        }
    }

    private void advance(int n) {
        if (end - pos < n) {
            throw new IllegalArgumentException("cut short at byte " + pos);
        }
        pos += n;
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new IllegalArgumentException("field " + field + " has wire type " + wireType + ", expected " + type
                    + ", at byte " + pos);
        }
    }
}
