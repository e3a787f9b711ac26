package mnist.data.idx;

/**
 * The decoding half of {@link RangeEncoder}: reads {@code data[start..end)}, which must hold exactly
 * what one encoder wrote. Past the end it reads zeros and notes the overrun, so corrupt or truncated
 * data decodes to something (finite: the caller decides how many bits it reads) and is caught by
 * {@link #endedExactly()} or by the caller's checksum, never by an exception.
 */
final class RangeDecoder {
    // package-private for PixelModel's hot loop, which keeps them in locals and writes them back
    final byte[] data;
    final int end;
    int position;
    long range = 0xFFFF_FFFFL;
    long code;
    boolean overrun;
    private final boolean goodStart;

    RangeDecoder(byte[] data, int start, int end) {
        this.data = data;
        this.position = start;
        this.end = end;
        // the encoder's first byte is its initial cache, always 0; the next four are the code
        goodStart = end - start >= 5 && data[start] == 0;
        for (int i = 0; i < 5; i++) {
            code = (code << 8) | next();
        }
        code &= 0xFFFF_FFFFL;
    }

    /** Decodes one bit with the probability {@code probs[i]} and adapts it as the encoder did. */
    int bit(char[] probs, int i) {
        int p = probs[i];
        long bound = (range >>> 16) * p;
        int bit;
        if (code < bound) {
            range = bound;
            probs[i] = (char) (p + ((65536 - p) >>> RangeEncoder.SHIFT));
            bit = 0;
        } else {
            code -= bound;
            range -= bound;
            probs[i] = (char) (p - (p >>> RangeEncoder.SHIFT));
            bit = 1;
        }
        if (range < RangeEncoder.TOP) {
            normalize();
        }
        return bit;
    }

    /** Decodes what {@link RangeEncoder#tree} coded: a value of {@code bits} bits. */
    int tree(char[] probs, int base, int bits) {
        int node = 1;
        for (int b = 0; b < bits; b++) {
            node = (node << 1) | bit(probs, base + node);
        }
        return node - (1 << bits);
    }

    /**
     * Whether the data began as an encoder's does and the decoder read exactly to its end, no further
     * and not less: true for every intact stream after its last bit.
     */
    boolean endedExactly() {
        return goodStart && !overrun && position == end;
    }

    private void normalize() {
        do {
            range <<= 8;
            code = ((code << 8) | next()) & 0xFFFF_FFFFL;   // a no-op unless the data is corrupt
        } while (range < RangeEncoder.TOP);
    }

    private int next() {
        if (position < end) {
            return data[position++] & 0xFF;
        }
        overrun = true;
        return 0;
    }
}
