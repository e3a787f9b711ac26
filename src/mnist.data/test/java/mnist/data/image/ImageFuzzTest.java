package mnist.data.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import mnist.data.DatasetException;
import mnist.testkit.Fuzzer.Case;
import mnist.testkit.Fuzzer.Mutator;
import mnist.testkit.Fuzzer;
import org.junit.jupiter.api.Test;

/**
 * The image decoder under attack: a few thousand malformed PNG and PGM files made from valid seeds with a
 * fixed random seed. Each must decode or be refused with a {@link DatasetException} naming the file and the
 * problem; never an unchecked exception, an error, a hang, or memory beyond what its bytes can justify.
 */
class ImageFuzzTest {
    private static final long SEED = 20250602L;
    private static final int W = 13;
    private static final int H = 7;

    private static byte[] png(int type, int depth, int channels, long seed, byte[] palette, byte[] trns) {
        int max = (1 << depth) - 1;
        int[] samples = new SplittableRandom(seed).ints(W * H * channels, 0, max + 1).toArray();
        return TestPng.encode(W, H, type, depth, samples, palette, trns);
    }

    private static List<byte[]> pngSeeds() {
        byte[] palette = new byte[3 * 16];
        new SplittableRandom(3).nextBytes(palette);
        return List.of(
                png(0, 8, 1, 1, null, null),
                png(0, 1, 1, 2, null, null),
                png(0, 16, 1, 3, null, new byte[] {0, 5}),
                png(2, 8, 3, 4, null, new byte[] {0, 1, 0, 2, 0, 3}),
                png(3, 4, 1, 5, palette, new byte[] {0, (byte) 128, (byte) 255}),
                png(4, 8, 2, 6, null, null),
                png(6, 16, 4, 7, null, null));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<byte[]> pgmSeeds() {
        StringBuilder p2 = new StringBuilder("P2\n# a digit\n5 4\n255\n");
        for (int i = 0; i < 20; i++) {
            p2.append(i * 13).append(i % 5 == 4 ? "\n" : " ");
        }
        byte[] p5 = new byte[ascii("P5 5 4 255\n").length + 20];
        System.arraycopy(ascii("P5 5 4 255\n"), 0, p5, 0, 11);
        byte[] p5wide = new byte[ascii("P5\n3 2\n65535\n").length + 12];
        System.arraycopy(ascii("P5\n3 2\n65535\n"), 0, p5wide, 0, 13);
        for (int i = 0; i < 20; i++) {
            p5[11 + i] = (byte) (i * 13);
        }
        for (int i = 0; i < 12; i++) {
            p5wide[13 + i] = (byte) (i * 21);
        }
        return List.of(ascii(p2.toString()), p5, p5wide, ascii("P2 1 1 1 1"));
    }

    /** The chunks of a PNG: start offsets, as long as the structure holds. */
    private static List<Integer> chunkStarts(byte[] png) {
        List<Integer> starts = new ArrayList<>();
        int pos = 8;
        while (pos + 12 <= png.length) {
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(png, pos, 4).getInt());
            if (pos + 12 + length > png.length) {
                break;
            }
            starts.add(pos);
            pos += 12 + (int) length;
        }
        return starts;
    }

    /** The PNG with every chunk CRC that can be found recomputed, so that damage reaches the decoder. */
    static byte[] fixCrcs(byte[] png) {
        byte[] c = png.clone();
        for (int at : chunkStarts(c)) {
            int length = ByteBuffer.wrap(c, at, 4).getInt();
            CRC32 crc = new CRC32();
            crc.update(c, at + 4, 4 + length);
            Fuzzer.putInt(c, at + 8 + length, (int) crc.getValue(), true);
        }
        return c;
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestPng.chunk(out, type, data);
        return out.toByteArray();
    }

    private static byte[] ihdr(int w, int h, int depth, int type, int compression, int filter, int interlace) {
        return ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) type)
                .put((byte) compression).put((byte) filter).put((byte) interlace).array();
    }

    /** A PNG of the given chunks, each with a correct CRC. */
    private static byte[] pngOf(byte[]... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Png.SIGNATURE);
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** Structured damage to PNGs: header lies, chunk-length lies, chunk order, image data of the wrong size. */
    private static List<Case> pngStructured(List<byte[]> seeds, SplittableRandom random) {
        List<Case> cases = new ArrayList<>();
        byte[] gray = seeds.get(0);
        cases.addAll(Fuzzer.everyTruncation("png", gray));
        List<Integer> starts = chunkStarts(gray);
        for (int at : starts) {
            for (int v : Fuzzer.INTERESTING_INTS) {
                byte[] c = gray.clone();
                Fuzzer.putInt(c, at, v, true);
                cases.add(new Case("chunk at " + at + " claims " + v + " bytes", c));
                cases.add(new Case("chunk at " + at + " claims " + v + " bytes, CRCs fixed", fixCrcs(c)));
            }
        }
        // IHDR lies with correct CRCs, over the seed's own image data
        int[] sides = {0, 1, 2, W - 1, W + 1, 8191, 8192, 8193, 65535, 1 << 24, Integer.MAX_VALUE, -1};
        for (int w : sides) {
            for (int h : new int[] {0, 1, H, 8192, -1}) {
                for (int[] dt : new int[][] {{8, 0}, {16, 6}, {1, 0}, {8, 3}}) {
                    byte[] c = gray.clone();
                    System.arraycopy(ihdr(w, h, dt[0], dt[1], 0, 0, 0), 0, c, 16, 13);
                    cases.add(new Case("IHDR " + w + "x" + h + " depth " + dt[0] + " type " + dt[1], fixCrcs(c)));
                }
            }
        }
        for (int depth = 0; depth <= 32; depth++) {
            for (int type = 0; type <= 8; type++) {
                byte[] c = gray.clone();
                System.arraycopy(ihdr(W, H, depth, type, 0, 0, 0), 0, c, 16, 13);
                cases.add(new Case("IHDR depth " + depth + " type " + type, fixCrcs(c)));
            }
        }
        for (int[] cfi : new int[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 2}, {255, 255, 255}}) {
            byte[] c = gray.clone();
            System.arraycopy(ihdr(W, H, 8, 0, cfi[0], cfi[1], cfi[2]), 0, c, 16, 13);
            cases.add(new Case("IHDR compression/filter/interlace " + Arrays.toString(cfi), fixCrcs(c)));
        }
        // headers that claim the largest images over a few bytes of data: must not allocate them
        for (int[] dt : new int[][] {{16, 6}, {16, 2}, {8, 0}, {1, 0}}) {
            byte[] data = TestPng.deflate(new byte[100]);
            cases.add(new Case("8192x8192 depth " + dt[0] + " type " + dt[1] + " over 100 bytes", pngOf(
                    chunk("IHDR", ihdr(8192, 8192, dt[0], dt[1], 0, 0, 0)), chunk("IDAT", data), chunk("IEND", new byte[0]))));
            cases.add(new Case("8192x8192 depth " + dt[0] + " type " + dt[1] + " without IDAT", pngOf(
                    chunk("IHDR", ihdr(8192, 8192, dt[0], dt[1], 0, 0, 0)), chunk("IEND", new byte[0]))));
        }
        // image data that inflates to too little, too much, with bad filter types, or is not zlib
        int stride = W + 1;
        for (int size : new int[] {0, 1, stride * H - 1, stride * H + 1, stride * H * 2, 1 << 20}) {
            byte[] raw = new byte[size];
            cases.add(new Case("image data of " + size + " bytes", pngOf(chunk("IHDR", ihdr(W, H, 8, 0, 0, 0, 0)),
                    chunk("IDAT", TestPng.deflate(raw)), chunk("IEND", new byte[0]))));
        }
        for (int filter : new int[] {5, 6, 127, 128, 255}) {
            byte[] raw = new byte[stride * H];
            raw[stride * random.nextInt(H)] = (byte) filter;
            cases.add(new Case("filter type " + filter, pngOf(chunk("IHDR", ihdr(W, H, 8, 0, 0, 0, 0)),
                    chunk("IDAT", TestPng.deflate(raw)), chunk("IEND", new byte[0]))));
        }
        for (int i = 0; i < 100; i++) {
            byte[] garbage = new byte[random.nextInt(1, 200)];
            random.nextBytes(garbage);
            if (random.nextBoolean() && garbage.length >= 2) { // a valid zlib header, then garbage
                garbage[0] = 0x78;
                garbage[1] = (byte) 0x9C;
            }
            cases.add(new Case("IDAT of " + garbage.length + " garbage bytes", pngOf(
                    chunk("IHDR", ihdr(W, H, 8, 0, 0, 0, 0)), chunk("IDAT", garbage), chunk("IEND", new byte[0]))));
        }
        byte[] zdict = {0x78, (byte) 0xBB, 0, 0, 0, 1, 3, 0}; // FDICT set
        cases.add(new Case("zlib stream asking for a dictionary", pngOf(chunk("IHDR", ihdr(W, H, 8, 0, 0, 0, 0)),
                chunk("IDAT", zdict), chunk("IEND", new byte[0]))));
        // chunk order and palettes
        byte[] ihdrGray = chunk("IHDR", ihdr(W, H, 8, 0, 0, 0, 0));
        byte[] ihdrPal = chunk("IHDR", ihdr(W, H, 8, 3, 0, 0, 0));
        byte[] idat = chunk("IDAT", TestPng.deflate(new byte[stride * H]));
        byte[] iend = chunk("IEND", new byte[0]);
        byte[] plte = chunk("PLTE", new byte[6]);
        cases.add(new Case("no IEND", pngOf(ihdrGray, idat)));
        cases.add(new Case("no IHDR", pngOf(idat, iend)));
        cases.add(new Case("two IHDR", pngOf(ihdrGray, ihdrGray, idat, iend)));
        cases.add(new Case("IDAT split by tEXt", pngOf(ihdrGray, idat, chunk("tEXt", ascii("a\0b")), idat, iend)));
        cases.add(new Case("unknown critical chunk", pngOf(ihdrGray, chunk("ABCD", new byte[3]), idat, iend)));
        cases.add(new Case("chunk after IEND", pngOf(ihdrGray, idat, iend, iend)));
        cases.add(new Case("palette image without PLTE", pngOf(ihdrPal, idat, iend)));
        cases.add(new Case("palette of 2 used up to index 0 only", pngOf(ihdrPal, plte, idat, iend)));
        byte[] ones = new byte[stride * H];
        Arrays.fill(ones, (byte) 1);
        for (int y = 0; y < H; y++) {
            ones[y * stride] = 0;
        }
        cases.add(new Case("palette index beyond the palette", pngOf(ihdrPal, chunk("PLTE", new byte[3]),
                chunk("IDAT", TestPng.deflate(ones)), iend)));
        for (int n : new int[] {0, 1, 2, 4, 768, 771}) {
            cases.add(new Case("PLTE of " + n + " bytes", pngOf(ihdrPal, chunk("PLTE", new byte[n]), idat, iend)));
            cases.add(new Case("tRNS of " + n + " bytes in a palette image", pngOf(ihdrPal, plte, chunk("tRNS", new byte[n]), idat, iend)));
            cases.add(new Case("tRNS of " + n + " bytes in a gray image", pngOf(ihdrGray, chunk("tRNS", new byte[n]), idat, iend)));
        }
        cases.add(new Case("PLTE in a gray image", pngOf(ihdrGray, plte, idat, iend)));
        cases.add(new Case("two PLTE", pngOf(ihdrPal, plte, plte, idat, iend)));
        cases.add(new Case("tRNS before PLTE", pngOf(ihdrPal, chunk("tRNS", new byte[1]), plte, idat, iend)));
        cases.add(new Case("PLTE after IDAT", pngOf(ihdrPal, plte, idat, plte, iend)));
        cases.add(new Case("tRNS in an RGBA image", pngOf(chunk("IHDR", ihdr(W, H, 8, 6, 0, 0, 0)),
                chunk("tRNS", new byte[6]), idat, iend)));
        return cases;
    }

    /** Structured damage to PGMs: header lies (maxval 0, 70000; huge sides), and every truncation. */
    private static List<Case> pgmStructured(List<byte[]> seeds) {
        List<Case> cases = new ArrayList<>();
        for (byte[] seed : seeds) {
            cases.addAll(Fuzzer.everyTruncation("pgm", seed));
        }
        String[] sides = {"0", "1", "5", "8192", "8193", "65536", "999999999", "9999999999", "-1", "+5", "0x10", "5.0", ""};
        String[] maxvals = {"0", "1", "255", "256", "65535", "65536", "70000", "-1", "99999999999"};
        for (String magic : new String[] {"P2", "P5"}) {
            for (String w : sides) {
                for (String h : new String[] {"4", "8192", "0"}) {
                    for (String maxval : maxvals) {
                        String header = magic + " " + w + " " + h + " " + maxval + "\n";
                        cases.add(new Case("PGM header " + header.strip(), ascii(header + (magic.equals("P2") ? "1 2 3 4 5\n" : "abcdefghij"))));
                    }
                }
            }
        }
        cases.add(new Case("P2 pixel above maxval", ascii("P2 2 1 10 5 11")));
        cases.add(new Case("P2 negative pixel", ascii("P2 2 1 10 5 -1")));
        cases.add(new Case("P2 comment to the end", ascii("P2 2 1 10 # 5 5")));
        cases.add(new Case("P2 trailing garbage", ascii("P2 2 1 10 5 5 x")));
        cases.add(new Case("P2 no space before width", ascii("P22 1 10 5 5")));
        cases.add(new Case("P5 pixel above maxval", ascii("P5 2 1 10 \u0005\u000b")));
        cases.add(new Case("P5 no whitespace after maxval", ascii("P5 2 1 10")));
        cases.add(new Case("P5 one byte short", ascii("P5 2 1 10 \u0005")));
        cases.add(new Case("P5 16 bits one byte short", ascii("P5 2 1 1000 \u0000\u0005\u0000")));
        for (String other : new String[] {"P1", "P3", "P4", "P6", "P7", "P8", "P", "", "\u0089PNG"}) {
            cases.add(new Case("magic " + other, ascii(other + " 1 1 1 1")));
        }
        return cases;
    }

    @Test
    void malformedPngsAreRefusedWithOurMessage() {
        List<byte[]> seeds = pngSeeds();
        Mutator mutator = new Mutator(SEED, seeds);
        List<Case> cases = new ArrayList<>(pngStructured(seeds, mutator.random()));
        for (int i = 0; i < 1200; i++) {
            cases.add(mutator.next());
        }
        for (int i = 0; i < 1500; i++) { // the same damage with the chunk CRCs repaired, so that it reaches the decoder
            Case c = mutator.next();
            cases.add(new Case(c.how() + ", CRCs fixed", fixCrcs(c.bytes())));
        }
        Fuzzer.Report report = Fuzzer.run("png", cases, DatasetException.class, Fuzzer.Limits.DEFAULT,
                (input, name) -> DigitImages.decode(input, name));
        Fuzzer.print(report);
        assertTrue(report.cases() >= 3000, report.toString());
        assertTrue(report.accepted() < report.cases() / 2, "most cases are malformed: " + report);
    }

    @Test
    void malformedPgmsAreRefusedWithOurMessage() {
        List<byte[]> seeds = pgmSeeds();
        Mutator mutator = new Mutator(SEED + 1, seeds);
        List<Case> cases = new ArrayList<>(pgmStructured(seeds));
        for (int i = 0; i < 1500; i++) {
            cases.add(mutator.next());
        }
        Fuzzer.Report report = Fuzzer.run("pgm", cases, DatasetException.class, Fuzzer.Limits.DEFAULT,
                (input, name) -> DigitImages.decode(input, name));
        Fuzzer.print(report);
        assertTrue(report.cases() >= 2000, report.toString());
    }
}
