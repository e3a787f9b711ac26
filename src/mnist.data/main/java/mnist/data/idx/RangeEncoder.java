package mnist.data.idx;

import java.util.Arrays;

/**
 * The encoding half of a binary range coder in the style of LZMA's: 32-bit range, carries propagated
 * through a cached byte and a count of pending 0xFF bytes, probabilities of 16 bits. {@link RangeDecoder}
 * is its inverse, decision for decision.
 *
 * <p>A probability {@code p} in a {@code char[]} is that of a 0 bit, scaled by 2^16; every coded bit
 * moves it 1/32 of the way towards the bit seen, so it stays within 31..65505 and never makes an
 * empty interval.
 */
final class RangeEncoder {
    /** The probability of either bit before anything is seen. */
    static final char HALF = 1 << 15;
    /** How fast probabilities adapt: 1/2^SHIFT of the distance per bit. */
    static final int SHIFT = 5;
    /** The range is renormalised (a byte shifted out) whenever it falls below this. */
    static final long TOP = 1L << 24;

    private long low;
    private long range = 0xFFFF_FFFFL;
    private int cache;
    private long pending = 1;
    private byte[] out = new byte[1 << 16];
    private int size;

    /** Codes {@code bit} (0 or 1) with the probability {@code probs[i]}, and adapts it. */
    void bit(char[] probs, int i, int bit) {
        int p = probs[i];
        long bound = (range >>> 16) * p;
        if (bit == 0) {
            range = bound;
            probs[i] = (char) (p + ((65536 - p) >>> SHIFT));
        } else {
            low += bound;
            range -= bound;
            probs[i] = (char) (p - (p >>> SHIFT));
        }
        while (range < TOP) {
            range <<= 8;
            shiftLow();
        }
    }

    /**
     * Codes the low {@code bits} bits of {@code value}, high bit first, through a binary tree of
     * probabilities: node {@code n} (1 to 2^bits - 1) at {@code probs[base + n]}.
     */
    void tree(char[] probs, int base, int bits, int value) {
        int node = 1;
        for (int b = bits - 1; b >= 0; b--) {
            int bit = (value >>> b) & 1;
            bit(probs, base + node, bit);
            node = (node << 1) | bit;
        }
    }

    /** Flushes the coder and returns all bytes written; the encoder is done. */
    byte[] finish() {
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
        return Arrays.copyOf(out, size);
    }

    /** Moves the top byte of {@code low} out, resolving a carry into the bytes still held back. */
    private void shiftLow() {
        if (low < 0xFF00_0000L || low > 0xFFFF_FFFFL) {
            int carry = (int) (low >>> 32);
            int held = cache;
            do {
                write(held + carry);
                held = 0xFF;
            } while (--pending != 0);
            cache = (int) ((low >>> 24) & 0xFF);
        }
        pending++;
        low = (low & 0x00FF_FFFFL) << 8;
    }

    private void write(int b) {
        if (size == out.length) {
            out = Arrays.copyOf(out, 2 * size);
        }
        out[size++] = (byte) b;
    }
}
