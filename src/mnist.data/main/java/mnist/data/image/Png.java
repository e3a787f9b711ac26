package mnist.data.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import mnist.data.DatasetException;

/**
 * A strict PNG decoder on {@link Inflater} (not javax.imageio: its module, java.desktop, would add about
 * 20 MB to the runtime image). Reads colour types 0 (gray), 2 (RGB), 3 (palette), 4 (gray + alpha) and
 * 6 (RGBA) at every bit depth the specification allows (1, 2, 4, 8, 16), with tRNS transparency, plain or
 * Adam7-interlaced. Checks every chunk's length and CRC, the chunk order, the dimensions (at most
 * {@link DigitImages#MAX_SIDE} a side) before allocating, and that the image data inflates to exactly the
 * size the header implies.
 */
final class Png {
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Deflate unpacks at most 1032 bytes per byte (a 258-byte match in two bits); a header claiming more is not believed. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private Png() {
    }

    static GrayImage decode(byte[] file, String name) throws DatasetException {
        return new Png.Decoder(file, name).decode();
    }

    private static final class Decoder {
        private final ByteBuffer in;
        private final String name;
        private int width;
        private int height;
        private int depth;
        private int colourType;
        private int interlace;          // 0 none, 1 Adam7
        private int channels;
        private float[] paletteGray;   // luma of each palette entry, 0..1
        private float[] paletteAlpha;  // alpha of each palette entry, 0..1
        private int[] transparentKey;  // tRNS for types 0 and 2: the sample values that are transparent

        Decoder(byte[] file, String name) {
            this.in = ByteBuffer.wrap(file);
            this.name = name;
        }

        private DatasetException error(String problem) {
            return new DatasetException(name, problem);
        }

        GrayImage decode() throws DatasetException {
            for (byte b : SIGNATURE) {
                if (!in.hasRemaining() || in.get() != b) {
                    throw error("not a PNG file (bad signature)");
                }
            }
            Inflater inflater = new Inflater();
            try {
                return chunks(inflater);
            } finally {
                inflater.end();
            }
        }

        private GrayImage chunks(Inflater inflater) throws DatasetException {
            byte[] raw = null;       // the filtered scanlines, exactly as large as the header implies
            int inflated = 0;
            boolean seenIdat = false;
            boolean idatDone = false;  // IDAT chunks must be consecutive
            boolean first = true;
            CRC32 crc = new CRC32();
            while (true) {
                if (in.remaining() < 12) {
                    throw error("truncated: " + (first ? "no IHDR chunk" : "no IEND chunk at the end"));
                }
                long length = Integer.toUnsignedLong(in.getInt());
                int typeAt = in.position();
                String type = new String(in.array(), typeAt, 4, StandardCharsets.ISO_8859_1);
                if (!type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                    throw error("corrupt chunk type at byte " + typeAt);
                }
                if (length > Integer.MAX_VALUE || length > in.remaining() - 8) {
                    throw error("truncated: chunk " + type + " of " + length + " bytes runs past the end of the file");
                }
                int dataAt = typeAt + 4;
                int len = (int) length;
                crc.reset();
                crc.update(in.array(), typeAt, 4 + len);
                int stored = in.getInt(dataAt + len);
                if ((int) crc.getValue() != stored) {
                    throw error("CRC mismatch in chunk " + type + ": the file is corrupt");
                }
                in.position(dataAt + len + 4);
                ByteBuffer data = ByteBuffer.wrap(in.array(), dataAt, len).slice();
                if (first) {
                    if (!type.equals("IHDR")) {
                        throw error("the first chunk is " + type + ", not IHDR");
                    }
                    header(data);
                    // Allocate on the header's word only if the rest of the file could inflate to that much.
                    long mostInflated = MAX_DEFLATE_RATIO * in.remaining() + 1024;
                    if (expectedSize() > mostInflated) {
                        throw error("truncated: a " + width + "x" + height + " image needs " + expectedSize()
                                + " bytes of image data, more than the " + in.remaining()
                                + " bytes left in the file can inflate to");
                    }
                    raw = new byte[expectedSize()];
                    first = false;
                    continue;
                }
                if (seenIdat && !type.equals("IDAT")) {
                    idatDone = true;
                }
                switch (type) {
                    case "IHDR" -> throw error("a second IHDR chunk");
                    case "PLTE" -> {
                        if (seenIdat) {
                            throw error("PLTE after the image data");
                        }
                        palette(data);
                    }
                    case "tRNS" -> {
                        if (seenIdat) {
                            throw error("tRNS after the image data");
                        }
                        transparency(data);
                    }
                    case "IDAT" -> {
                        if (idatDone) {
                            throw error("IDAT chunks are not consecutive");
                        }
                        if (colourType == 3 && paletteGray == null) {
                            throw error("palette image without a PLTE chunk");
                        }
                        seenIdat = true;
                        inflated = inflate(inflater, data, raw, inflated);
                    }
                    case "IEND" -> {
                        if (!seenIdat) {
                            throw error("no IDAT chunk: the file holds no image data");
                        }
                        if (inflated < raw.length) {
                            throw error("truncated image data: " + inflated + " of " + raw.length + " bytes");
                        }
                        if (!inflater.finished()) {
                            throw error("truncated image data: the compressed stream does not end");
                        }
                        if (in.hasRemaining()) {
                            throw error(in.remaining() + " bytes after the IEND chunk");
                        }
                        return toGray(unfilter(raw));
                    }
                    default -> {
                        if (Character.isUpperCase(type.charAt(0))) {
                            throw error("unknown critical chunk " + type);
                        }
                        // an ancillary chunk we do not need (gAMA, pHYs, tEXt...): its CRC was checked
                    }
                }
            }
        }

        private void header(ByteBuffer data) throws DatasetException {
            if (data.remaining() != 13) {
                throw error("IHDR chunk of " + data.remaining() + " bytes, expected 13");
            }
            long w = Integer.toUnsignedLong(data.getInt());
            long h = Integer.toUnsignedLong(data.getInt());
            depth = data.get() & 0xFF;
            colourType = data.get() & 0xFF;
            int compression = data.get() & 0xFF;
            int filter = data.get() & 0xFF;
            interlace = data.get() & 0xFF;
            if (w < 1 || h < 1 || w > DigitImages.MAX_SIDE || h > DigitImages.MAX_SIDE) {
                throw error("image of " + w + "x" + h + " pixels: each side must be 1 to " + DigitImages.MAX_SIDE);
            }
            width = (int) w;
            height = (int) h;
            channels = switch (colourType) {
                case 0, 3 -> 1;
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> throw error("unknown PNG colour type " + colourType);
            };
            boolean depthOk = switch (colourType) {
                case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
                case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
                default -> depth == 8 || depth == 16;
            };
            if (!depthOk) {
                throw error("bit depth " + depth + " is not allowed with colour type " + colourType);
            }
            if (compression != 0 || filter != 0) {
                throw error("unknown compression method " + compression + " or filter method " + filter);
            }
            if (interlace != 0 && interlace != 1) {
                throw error("unknown interlace method " + interlace);
            }
        }

        /** Bytes of one scanline of the image without its filter byte. */
        private int stride() {
            return stride(width);
        }

        /** Bytes of one scanline of w pixels without its filter byte. */
        private int stride(int w) {
            return (int) (((long) w * channels * depth + 7) / 8);
        }

        /**
         * Adam7's seven passes: the first column and row of each, and its steps across and down. Pass 1
         * takes every 8th pixel of every 8th row, pass 7 every pixel of the odd rows.
         */
        private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4},
                {1, 0, 2, 2}, {0, 1, 1, 2}};

        /** Pixels across (d = 0) or rows down (d = 1) of Adam7 pass p; 0 when the image is too small for it. */
        private int passSize(int p, int d) {
            int side = d == 0 ? width : height, start = ADAM7[p][d], step = ADAM7[p][d + 2];
            return side <= start ? 0 : (side - start + step - 1) / step;
        }

        /**
         * The filtered scanlines: a filter byte and a stride per row (of each pass with pixels, when
         * interlaced); at most 8192 x (1 + 65536) bytes.
         */
        private int expectedSize() {
            if (interlace == 0) {
                return Math.multiplyExact(height, 1 + stride());
            }
            int size = 0;
            for (int p = 0; p < ADAM7.length; p++) {
                int w = passSize(p, 0), h = passSize(p, 1);
                if (w > 0 && h > 0) {
                    size = Math.addExact(size, Math.multiplyExact(h, 1 + stride(w)));
                }
            }
            return size;
        }

        private void palette(ByteBuffer data) throws DatasetException {
            if (paletteGray != null) {
                throw error("a second PLTE chunk");
            }
            int n = data.remaining() / 3;
            if (data.remaining() % 3 != 0 || n < 1 || n > 256) {
                throw error("PLTE chunk of " + data.remaining() + " bytes is not 1 to 256 RGB entries");
            }
            if (colourType == 0 || colourType == 4) {
                throw error("PLTE chunk in a grayscale image");
            }
            paletteGray = new float[n];
            paletteAlpha = new float[n];
            for (int i = 0; i < n; i++) {
                paletteGray[i] = luma(data.get() & 0xFF, data.get() & 0xFF, data.get() & 0xFF) / 255f;
                paletteAlpha[i] = 1f;
            }
        }

        private void transparency(ByteBuffer data) throws DatasetException {
            switch (colourType) {
                case 3 -> {
                    if (paletteGray == null || data.remaining() > paletteGray.length) {
                        throw error("tRNS chunk before PLTE or longer than the palette");
                    }
                    for (int i = 0; data.hasRemaining(); i++) {
                        paletteAlpha[i] = (data.get() & 0xFF) / 255f;
                    }
                }
                case 0, 2 -> {
                    int samples = colourType == 0 ? 1 : 3;
                    if (data.remaining() != 2 * samples) {
                        throw error("tRNS chunk of " + data.remaining() + " bytes, expected " + 2 * samples);
                    }
                    transparentKey = new int[samples];
                    for (int i = 0; i < samples; i++) {
                        transparentKey[i] = data.getShort() & 0xFFFF;
                    }
                }
                default -> throw error("tRNS chunk in an image that has an alpha channel");
            }
        }

        private int inflate(Inflater inflater, ByteBuffer data, byte[] raw, int inflated) throws DatasetException {
            inflater.setInput(data);
            try {
                while (true) {
                    if (inflater.finished()) {
                        if (inflater.getRemaining() > 0) {
                            throw error("bytes after the end of the compressed image data");
                        }
                        return inflated;
                    }
                    if (inflated == raw.length) {
                        // all expected bytes are here: anything more the stream yields is too much
                        byte[] probe = new byte[1];
                        int extra = inflater.inflate(probe);
                        if (extra > 0) {
                            throw error("image data inflates to more than the " + raw.length + " bytes a "
                                    + width + "x" + height + " image needs");
                        }
                    } else {
                        inflated += inflater.inflate(raw, inflated, raw.length - inflated);
                    }
                    if (inflater.needsInput() && !inflater.finished()) {
                        return inflated;
                    }
                    if (inflater.needsDictionary()) {
                        throw error("compressed image data asks for a preset dictionary");
                    }
                }
            } catch (DataFormatException e) {
                throw new DatasetException(name, "corrupt compressed image data: " + e.getMessage(), e);
            }
        }

        /**
         * Undoes the per-row filters and returns the raw samples of the whole image, row after row, no filter
         * bytes; an interlaced image's seven passes are each unfiltered (a pass's rows filter against the
         * pass's row above) and their pixels put in their places.
         */
        private byte[] unfilter(byte[] raw) throws DatasetException {
            if (interlace == 0) {
                return unfilter(raw, 0, width, height);
            }
            int stride = stride();
            byte[] out = new byte[Math.multiplyExact(height, stride)];
            int pos = 0;
            for (int p = 0; p < ADAM7.length; p++) {
                int w = passSize(p, 0), h = passSize(p, 1);
                if (w == 0 || h == 0) {
                    continue;
                }
                byte[] pass = unfilter(raw, pos, w, h);
                pos += h * (1 + stride(w));
                int passStride = stride(w);
                for (int y = 0; y < h; y++) {
                    int row = (ADAM7[p][1] + y * ADAM7[p][3]) * stride;
                    for (int x = 0; x < w; x++) {
                        int column = ADAM7[p][0] + x * ADAM7[p][2];
                        for (int c = 0; c < channels; c++) {
                            setSample(out, row, column * channels + c, sample(pass, y * passStride, x * channels + c));
                        }
                    }
                }
            }
            return out;
        }

        /** Sets sample s (counted across the row) of a row starting at off; packed samples are ORed into zeros. */
        private void setSample(byte[] samples, int off, int s, int value) {
            switch (depth) {
                case 16 -> {
                    samples[off + 2 * s] = (byte) (value >>> 8);
                    samples[off + 2 * s + 1] = (byte) value;
                }
                case 8 -> samples[off + s] = (byte) value;
                default -> {
                    int perByte = 8 / depth;
                    samples[off + s / perByte] |= (byte) (value << (8 - depth * (s % perByte + 1)));
                }
            }
        }

        /** Undoes the filters of h scanlines of w pixels that start at raw[from]; returns their samples. */
        private byte[] unfilter(byte[] raw, int from, int width, int height) throws DatasetException {
            int stride = stride(width);
            int bpp = Math.max(1, channels * depth / 8); // bytes per complete pixel, at least 1
            byte[] out = new byte[Math.multiplyExact(height, stride)];
            for (int y = 0; y < height; y++) {
                int filter = raw[from + y * (stride + 1)] & 0xFF;
                int src = from + y * (stride + 1) + 1;
                int dst = y * stride;
                int prev = dst - stride; // previous row in out; invalid for y = 0
                for (int i = 0; i < stride; i++) {
                    int x = raw[src + i] & 0xFF;
                    int a = i >= bpp ? out[dst + i - bpp] & 0xFF : 0;
                    int b = y > 0 ? out[prev + i] & 0xFF : 0;
                    int c = i >= bpp && y > 0 ? out[prev + i - bpp] & 0xFF : 0;
                    int value = switch (filter) {
                        case 0 -> x;
                        case 1 -> x + a;
                        case 2 -> x + b;
                        case 3 -> x + ((a + b) >>> 1);
                        case 4 -> x + paeth(a, b, c);
                        default -> throw error("unknown filter type " + filter + " on row " + y);
                    };
                    out[dst + i] = (byte) value;
                }
            }
            return out;
        }

        private static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }

        /** Sample s (0-based, counted across the row) of a row starting at {@code off}. */
        private int sample(byte[] samples, int off, int s) {
            return switch (depth) {
                case 16 -> ((samples[off + 2 * s] & 0xFF) << 8) | (samples[off + 2 * s + 1] & 0xFF);
                case 8 -> samples[off + s] & 0xFF;
                default -> {
                    int perByte = 8 / depth;
                    int b = samples[off + s / perByte] & 0xFF;
                    int shift = 8 - depth * (s % perByte + 1);
                    yield (b >>> shift) & ((1 << depth) - 1);
                }
            };
        }

        private GrayImage toGray(byte[] samples) throws DatasetException {
            int stride = stride();
            float max = (1 << depth) - 1;
            float[] gray = new float[width * height];
            for (int y = 0; y < height; y++) {
                int off = y * stride;
                for (int x = 0; x < width; x++) {
                    int s = x * channels;
                    float g;
                    float alpha = 1f;
                    switch (colourType) {
                        case 0 -> {
                            int v = sample(samples, off, s);
                            g = v / max;
                            if (transparentKey != null && v == transparentKey[0]) {
                                alpha = 0f;
                            }
                        }
                        case 2 -> {
                            int r = sample(samples, off, s), gr = sample(samples, off, s + 1), b = sample(samples, off, s + 2);
                            g = luma(r, gr, b) / max;
                            if (transparentKey != null && r == transparentKey[0] && gr == transparentKey[1] && b == transparentKey[2]) {
                                alpha = 0f;
                            }
                        }
                        case 3 -> {
                            int index = sample(samples, off, s);
                            if (index >= paletteGray.length) {
                                throw error("pixel (" + x + ", " + y + ") uses palette entry " + index
                                        + " of " + paletteGray.length);
                            }
                            g = paletteGray[index];
                            alpha = paletteAlpha[index];
                        }
                        case 4 -> {
                            g = sample(samples, off, s) / max;
                            alpha = sample(samples, off, s + 1) / max;
                        }
                        default -> {
                            g = luma(sample(samples, off, s), sample(samples, off, s + 1), sample(samples, off, s + 2)) / max;
                            alpha = sample(samples, off, s + 3) / max;
                        }
                    }
                    gray[y * width + x] = g * alpha + (1f - alpha); // composited on white
                }
            }
            return new GrayImage(width, height, gray);
        }
    }

    /** Rec. 601 luma of a colour, in the units of its samples. */
    static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
