package mnist.data.image;

import mnist.data.DatasetException;

/**
 * A strict reader of Netpbm's grayscale format: P2 (plain, decimal numbers) and P5 (binary; one byte a
 * sample when maxval is below 256, else two, most significant first), maxval 1 to 65535, comments from
 * '#' to the end of a line in the header. One image a file: P5 must end with the raster, P2 may only
 * have whitespace after its last number.
 */
final class Pgm {
    private Pgm() {
    }

    static GrayImage decode(byte[] file, String name) throws DatasetException {
        return new Reader(file, name).read();
    }

    private static final class Reader {
        private final byte[] b;
        private final String name;
        private int pos;

        Reader(byte[] b, String name) {
            this.b = b;
            this.name = name;
        }

        private DatasetException error(String problem) {
            return new DatasetException(name, problem);
        }

        GrayImage read() throws DatasetException {
            if (b.length < 2 || b[0] != 'P' || (b[1] != '2' && b[1] != '5')) {
                throw error("not a PGM file (expected P2 or P5)");
            }
            boolean plain = b[1] == '2';
            pos = 2;
            long width = number("width");
            long height = number("height");
            long maxval = number("maxval");
            if (width < 1 || height < 1 || width > DigitImages.MAX_SIDE || height > DigitImages.MAX_SIDE) {
                throw error("image of " + width + "x" + height + " pixels: each side must be 1 to " + DigitImages.MAX_SIDE);
            }
            if (maxval < 1 || maxval > 65535) {
                throw error("maxval " + maxval + " is outside 1..65535");
            }
            int n = (int) (width * height);
            // Allocate on the header's word only if the rest of the file can hold that many pixels.
            int left = b.length - pos;
            if (plain && n > (left + 1L) / 2) {
                throw error("truncated: " + n + " pixels cannot fit in the " + left + " bytes after the header");
            }
            int bytesEach = maxval < 256 ? 1 : 2;
            if (!plain && (long) n * bytesEach > left) {
                throw error("truncated: " + Math.max(0, left - 1) + " bytes of pixels, expected " + (long) n * bytesEach);
            }
            float[] gray = new float[n];
            if (plain) {
                for (int i = 0; i < n; i++) {
                    long v = number("pixel " + i);
                    gray[i] = sample(v, maxval, i);
                }
                skipSpaceAndComments();
                if (pos < b.length) {
                    throw error("unexpected data after the " + n + " pixels");
                }
            } else {
                if (pos >= b.length || !isSpace(b[pos])) {
                    throw error("truncated: no whitespace after maxval");
                }
                pos++; // exactly one whitespace byte before the raster
                long expected = (long) n * bytesEach;
                if (b.length - pos < expected) {
                    throw error("truncated: " + (b.length - pos) + " bytes of pixels, expected " + expected);
                }
                if (b.length - pos > expected) {
                    throw error((b.length - pos - expected) + " bytes after the pixels");
                }
                for (int i = 0; i < n; i++) {
                    int v = bytesEach == 1 ? b[pos + i] & 0xFF
                            : ((b[pos + 2 * i] & 0xFF) << 8) | (b[pos + 2 * i + 1] & 0xFF);
                    gray[i] = sample(v, maxval, i);
                }
            }
            return new GrayImage((int) width, (int) height, gray);
        }

        private float sample(long v, long maxval, int i) throws DatasetException {
            if (v > maxval) {
                throw error("pixel " + i + " is " + v + ", above maxval " + maxval);
            }
            return (float) ((double) v / maxval);
        }

        private static boolean isSpace(byte c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C;
        }

        private void skipSpaceAndComments() {
            while (pos < b.length) {
                if (isSpace(b[pos])) {
                    pos++;
                } else if (b[pos] == '#') {
                    while (pos < b.length && b[pos] != '\n' && b[pos] != '\r') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        /** A decimal number after whitespace (at least one space, which also ends a comment). */
        private long number(String what) throws DatasetException {
            int before = pos;
            skipSpaceAndComments();
            if (pos >= b.length) {
                throw error("truncated: no " + what);
            }
            if (pos == before) {
                throw error("expected whitespace before the " + what);
            }
            long value = 0;
            int digits = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                value = value * 10 + (b[pos++] - '0');
                if (++digits > 9) {
                    throw error(what + " has too many digits");
                }
            }
            if (digits == 0) {
                throw error("expected a number for the " + what + " at byte " + pos);
            }
            if (pos < b.length && !isSpace(b[pos]) && b[pos] != '#') {
                throw error("unexpected character after the " + what + " at byte " + pos);
            }
            return value;
        }
    }
}
