package mnist.data.idx;

import java.util.Arrays;

/**
 * An adaptive context model of grey-scale images, such as MNIST's digits, for {@link RangeEncoder} and
 * {@link RangeDecoder}; {@link PackedImages} uses one per chunk of images.
 *
 * <p>An image is coded as its bounding box of nonzero pixels (top, height, left, width: bit trees, the
 * height in the context of the top and the width in that of the left; a top of {@code rows} is an
 * empty image), then each pixel in the box in row-major order: a "nonzero?" bit in the context of six
 * neighbours (W, N, NW, NE, WW, NN), each quantised to 6 levels, and of the pixel's distance to the
 * image's edge (3 rings); then, if nonzero, its 8 bits through a bit tree in the context of
 * (W / 16, N / 16, NE / 64). Neighbours outside the image or the box are 0. On MNIST's 60,000 training
 * images, in 6 chunks of fresh models, this makes 7.39 MB out of 47 MB (gzip: 9.72 MB) with 92 million
 * coded bits (the box saves a quarter of them). A value context of (W / 4, N / 4, NE / 64) makes
 * 7.07 MB in one chunk but 7.45 MB in six, since its 8 MB of probabilities learn slowly, and decodes 20%
 * slower (cache misses).
 */
final class PixelModel {
    /** The largest number of rows or columns: the box's coordinates are coded in at most 8 bits. */
    static final int MAX_SIDE = 255;
    private static final int LEVELS = 6;
    private static final int RINGS = 3;
    private static final int ZERO_CONTEXTS = LEVELS * LEVELS * LEVELS * LEVELS * LEVELS * LEVELS * RINGS;
    private static final int VALUE_SHIFT = 4;
    private static final int VALUE_LEVELS = 256 >> VALUE_SHIFT;
    private static final int VALUE_CONTEXTS = VALUE_LEVELS * VALUE_LEVELS * 4;
    /** A pixel's quantised level for the "nonzero?" context: 0, 1-63, 64-127, 128-191, 192-249, 250-255. */
    private static final int[] LEVEL = new int[256];

    static {
        for (int v = 0; v < 256; v++) {
            LEVEL[v] = v == 0 ? 0 : v < 64 ? 1 : v < 128 ? 2 : v < 192 ? 3 : v < 250 ? 4 : 5;
        }
    }

    private final int rows;
    private final int cols;
    /** Bits of a box coordinate: enough for 0..max(rows, cols). */
    private final int bits;
    /** The row length of {@link #pad}: two columns of zeros on the left, one on the right. */
    private final int stride;
    /** The image being coded, with two rows of zeros above it; zero outside the current box. */
    private final int[] pad;
    /** The ring of each position of {@link #pad}: 0 within 4 pixels of an edge, 1 within 8, else 2. */
    private final int[] ring;
    private final char[] zero = new char[ZERO_CONTEXTS];
    private final char[] values = new char[VALUE_CONTEXTS << 8];
    private final char[] tops;
    private final char[] heights;
    private final char[] lefts;
    private final char[] widths;

    /** A model of images of {@code rows} x {@code cols} pixels, 1 to {@value #MAX_SIDE} each. */
    PixelModel(int rows, int cols) {
        if (rows < 1 || rows > MAX_SIDE || cols < 1 || cols > MAX_SIDE) {
            throw new IllegalArgumentException("images of " + rows + "x" + cols + " pixels: sides must be 1 to " + MAX_SIDE);
        }
        this.rows = rows;
        this.cols = cols;
        this.bits = 32 - Integer.numberOfLeadingZeros(Math.max(rows, cols));
        this.stride = cols + 3;
        this.pad = new int[(rows + 2) * stride];
        this.ring = new int[pad.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int edge = Math.min(Math.min(r, c), Math.min(rows - 1 - r, cols - 1 - c));
                ring[position(r, c)] = edge < 4 ? 0 : edge < 8 ? 1 : 2;
            }
        }
        tops = new char[1 << bits];
        heights = new char[rows << bits];
        lefts = new char[1 << bits];
        widths = new char[cols << bits];
        reset();
    }

    /** Forgets everything learnt: every probability back to one half, as at the start of a chunk. */
    void reset() {
        for (char[] probs : new char[][] {zero, values, tops, heights, lefts, widths}) {
            Arrays.fill(probs, RangeEncoder.HALF);
        }
    }

    /** Codes the image at {@code images[offset..offset + rows * cols)} and learns from it. */
    void encode(RangeEncoder out, byte[] images, int offset) {
        int top = rows;
        int bottom = -1;
        int left = cols;
        int right = -1;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (images[offset + r * cols + c] != 0) {
                    top = Math.min(top, r);
                    bottom = r;
                    left = Math.min(left, c);
                    right = Math.max(right, c);
                }
            }
        }
        out.tree(tops, 0, bits, top);
        if (top == rows) {
            return;
        }
        out.tree(heights, top << bits, bits, bottom - top);
        out.tree(lefts, 0, bits, left);
        out.tree(widths, left << bits, bits, right - left);
        for (int r = top; r <= bottom; r++) {
            int p = position(r, left);
            for (int c = left; c <= right; c++, p++) {
                int v = images[offset + r * cols + c] & 0xFF;
                out.bit(zero, zeroContext(pad, p, stride, ring[p]), v == 0 ? 0 : 1);
                if (v != 0) {
                    out.tree(values, valueContext(pad, p, stride), 8, v);
                }
                pad[p] = v;
            }
        }
        clear(top, bottom, left, right, null, 0);
    }

    /**
     * Decodes one image into {@code images[offset..offset + rows * cols)}, which must be all zeros, as
     * the encoder coded it. False if the box decoded does not fit the image (the data is corrupt); other
     * corruption decodes to wrong pixels, for the caller's checksum to find.
     */
    boolean decode(RangeDecoder in, byte[] images, int offset) {
        int top = in.tree(tops, 0, bits);
        if (top >= rows) {
            return top == rows;     // rows: an empty image
        }
        int bottom = top + in.tree(heights, top << bits, bits);
        int left = in.tree(lefts, 0, bits);
        if (bottom >= rows || left >= cols) {
            return false;
        }
        int right = left + in.tree(widths, left << bits, bits);
        if (right >= cols) {
            return false;
        }
        decodeBox(in, top, bottom, left, right);
        clear(top, bottom, left, right, images, offset);
        return true;
    }

    /**
     * The hot loop, on its own so that the JIT compiles it early (on-stack) and whole. It is
     * {@link RangeDecoder#bit} and {@link RangeDecoder#tree} written out, with the decoder's state in
     * locals: as fields, every bit stored and loaded them again, a third of the time.
     */
    private void decodeBox(RangeDecoder in, int top, int bottom, int left, int right) {
        int[] pad = this.pad;
        int[] ring = this.ring;
        char[] zero = this.zero;
        char[] values = this.values;
        int stride = this.stride;
        byte[] data = in.data;
        int end = in.end;
        int position = in.position;
        long range = in.range;
        long code = in.code;
        boolean overrun = false;
        for (int r = top; r <= bottom; r++) {
            int p = position(r, left);
            for (int c = left; c <= right; c++, p++) {
                int i = zeroContext(pad, p, stride, ring[p]);
                int prob = zero[i];
                long bound = (range >>> 16) * prob;
                int v = 0;
                if (code < bound) {
                    range = bound;
                    zero[i] = (char) (prob + ((65536 - prob) >>> RangeEncoder.SHIFT));
                } else {
                    code -= bound;
                    range -= bound;
                    zero[i] = (char) (prob - (prob >>> RangeEncoder.SHIFT));
                    int base = valueContext(pad, p, stride);
                    int node = 1;
                    for (int b = 0; b < 8; b++) {
                        while (range < RangeEncoder.TOP) {
                            range <<= 8;
                            if (position < end) {
                                code = (code << 8 | data[position++] & 0xFF) & 0xFFFF_FFFFL;
                            } else {
                                code = (code << 8) & 0xFFFF_FFFFL;
                                overrun = true;
                            }
                        }
                        i = base + node;
                        prob = values[i];
                        bound = (range >>> 16) * prob;
                        if (code < bound) {
                            range = bound;
                            values[i] = (char) (prob + ((65536 - prob) >>> RangeEncoder.SHIFT));
                            node <<= 1;
                        } else {
                            code -= bound;
                            range -= bound;
                            values[i] = (char) (prob - (prob >>> RangeEncoder.SHIFT));
                            node = node << 1 | 1;
                        }
                    }
                    v = node - 256;
                }
                while (range < RangeEncoder.TOP) {
                    range <<= 8;
                    if (position < end) {
                        code = (code << 8 | data[position++] & 0xFF) & 0xFFFF_FFFFL;
                    } else {
                        code = (code << 8) & 0xFFFF_FFFFL;
                        overrun = true;
                    }
                }
                pad[p] = v;
            }
        }
        in.position = position;
        in.range = range;
        in.code = code;
        in.overrun |= overrun;
    }

    /** Zeroes the box in {@link #pad}, first copying it to {@code images} at {@code offset} unless null. */
    private void clear(int top, int bottom, int left, int right, byte[] images, int offset) {
        for (int r = top; r <= bottom; r++) {
            int p = position(r, left);
            for (int c = left; c <= right; c++, p++) {
                if (images != null) {
                    images[offset + r * cols + c] = (byte) pad[p];
                }
                pad[p] = 0;
            }
        }
    }

    private int position(int r, int c) {
        return (r + 2) * stride + c + 2;
    }

    /** The index into {@link #zero} for the pixel at {@code p}: six quantised neighbours and the ring. */
    private static int zeroContext(int[] pad, int p, int stride, int ring) {
        int north = p - stride;
        int context = LEVEL[pad[p - 1]];
        context = context * LEVELS + LEVEL[pad[north]];
        context = context * LEVELS + LEVEL[pad[north - 1]];
        context = context * LEVELS + LEVEL[pad[north + 1]];
        context = context * LEVELS + LEVEL[pad[p - 2]];
        context = context * LEVELS + LEVEL[pad[north - stride]];
        return context * RINGS + ring;
    }

    /** The first index into {@link #values} of the bit tree for the pixel at {@code p}: W, N and NE. */
    private static int valueContext(int[] pad, int p, int stride) {
        int north = p - stride;
        return (((pad[p - 1] >> VALUE_SHIFT) * VALUE_LEVELS + (pad[north] >> VALUE_SHIFT)) << 2 | pad[north + 1] >> 6) << 8;
    }
}
