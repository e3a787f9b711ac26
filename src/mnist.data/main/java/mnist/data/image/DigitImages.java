package mnist.data.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import mnist.data.DatasetException;

/**
 * The user's own digit images, read and prepared the way MNIST's were, so that a network trained on
 * MNIST can classify them.
 *
 * <p>{@link #read} decodes PNG (our own decoder, see below) and PGM (P2, P5) files of any size, gray or
 * colour. {@link #prepare} then follows the MNIST description ("the images were size normalized to fit
 * in a 20x20 pixel box while preserving their aspect ratio ... anti-aliasing ... centered in a 28x28
 * image by computing the center of mass of the pixels"):
 * <ol>
 *   <li>gray levels (colour as luma, transparency composited on white);
 *   <li>ink is dark on a light background, or light on a dark one: whichever the border's median says
 *       is the background; ink then runs from the background level (0) to the strongest ink (1);
 *   <li>crop to the bounding box of the pixels with ink above {@value #INK_THRESHOLD};
 *   <li>scale so that the longer side is 20 pixels, keeping the aspect ratio, by area averaging (each
 *       output pixel is the mean of the input area it covers: anti-aliased as MNIST's);
 *   <li>place it in 28x28 so that its centre of mass falls on pixel (14, 14), as in MNIST, where the
 *       centre of mass of every digit lies within half a pixel of (14, 14) in pixel-index coordinates.
 * </ol>
 *
 * <p>Why not {@code javax.imageio}: it lives in the {@code java.desktop} module, which would add about
 * 20 MB (with AWT and Swing) to the 45 MB runtime image for the sake of one file format. A strict PNG
 * reader on {@link java.util.zip.Inflater} is a few hundred lines and never touches native image code.
 */
public final class DigitImages {
    /** The side of an MNIST image. */
    public static final int SIZE = 28;
    /** The side of the box the digit is scaled into. */
    public static final int BOX = 20;
    /** The largest width or height accepted, checked before any pixel is allocated. */
    public static final int MAX_SIDE = 8192;
    /** The largest image file read, in bytes. */
    public static final long MAX_FILE_BYTES = 256L << 20;
    /** Normalised ink above this marks the digit's bounding box. */
    public static final float INK_THRESHOLD = 0.05f;
    /** Less contrast than this between the background and the strongest ink: no digit. */
    static final float MIN_CONTRAST = 0.1f;

    private DigitImages() {
    }

    /** Reads a PNG or PGM file (recognised by its first bytes, not its name). */
    public static GrayImage read(Path file) throws DatasetException {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new DatasetException(name, "is a directory, not an image");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new DatasetException(name, "file of " + size + " bytes is larger than the " + MAX_FILE_BYTES + " read");
            }
            return decode(Files.readAllBytes(file), name);
        } catch (DatasetException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new DatasetException(name, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new DatasetException(name, "permission denied", e);
        } catch (IOException e) {
            throw new DatasetException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads a PNG or PGM image from a stream, to its end; {@code name} names it in messages. */
    public static GrayImage read(InputStream in, String name) throws DatasetException {
        try {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new DatasetException(name, "larger than the " + MAX_FILE_BYTES + " bytes read");
            }
            return decode(bytes, name);
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Decodes the bytes of a PNG or PGM file. */
    public static GrayImage decode(byte[] bytes, String name) throws DatasetException {
        if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return Png.decode(bytes, name);
        }
        if (bytes.length >= 2 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '5')) {
            return Pgm.decode(bytes, name);
        }
        if (bytes.length >= 2 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '7') {
            throw new DatasetException(name, "Netpbm format P" + (char) bytes[1] + " is not supported (only PGM: P2 and P5)");
        }
        throw new DatasetException(name, bytes.length == 0 ? "empty file" : "not a PNG or PGM image");
    }

    /**
     * The image prepared as an MNIST digit: 28x28 pixels, row-major, in [0, 1], ink 1 and background 0.
     *
     * @throws DatasetException naming {@code name} if the image holds no digit (no contrast)
     */
    public static float[] prepare(GrayImage image, String name) throws DatasetException {
        int w = image.width();
        int h = image.height();
        float[] gray = image.pixels();

        // 1. Which way round: the border's median gray is the background.
        float background = borderMedian(gray, w, h);
        boolean lightBackground = background >= 0.5f;
        float[] ink = new float[gray.length];
        float peak = 0;
        float bg = lightBackground ? 1 - background : background;
        for (int i = 0; i < gray.length; i++) {
            ink[i] = lightBackground ? 1 - gray[i] : gray[i];
            peak = Math.max(peak, ink[i]);
        }
        if (peak - bg < MIN_CONTRAST) {
            throw new DatasetException(name, "no digit found: the image is blank or has almost no contrast");
        }
        float range = peak - bg;
        for (int i = 0; i < ink.length; i++) {
            ink[i] = Math.clamp((ink[i] - bg) / range, 0f, 1f);
        }

        // 2. The bounding box of the ink.
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (ink[y * w + x] > INK_THRESHOLD) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;

        // 3. Fit into 20x20, keeping the aspect ratio, by area averaging.
        double scale = (double) BOX / Math.max(bw, bh);
        int ow = Math.clamp(Math.round(bw * scale), 1, BOX);
        int oh = Math.clamp(Math.round(bh * scale), 1, BOX);
        float[] cropped = new float[bw * bh];
        for (int y = 0; y < bh; y++) {
            System.arraycopy(ink, (y0 + y) * w + x0, cropped, y * bw, bw);
        }
        float[] small = resampleRows(resampleColumns(cropped, bw, bh, ow), ow, bh, oh);

        // 4. Centre of mass onto (14, 14).
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                float v = small[y * ow + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }
        int dx = (int) Math.round(SIZE / 2.0 - mx / mass);
        int dy = (int) Math.round(SIZE / 2.0 - my / mass);
        float[] out = new float[SIZE * SIZE];
        for (int y = 0; y < oh; y++) {
            int ty = y + dy;
            if (ty < 0 || ty >= SIZE) {
                continue;
            }
            for (int x = 0; x < ow; x++) {
                int tx = x + dx;
                if (tx >= 0 && tx < SIZE) {
                    out[ty * SIZE + tx] = Math.clamp(small[y * ow + x], 0f, 1f);
                }
            }
        }
        return out;
    }

    /** The median of the outermost rows and columns. */
    private static float borderMedian(float[] gray, int w, int h) {
        float[] border = new float[2 * w + 2 * Math.max(0, h - 2)];
        int n = 0;
        for (int x = 0; x < w; x++) {
            border[n++] = gray[x];
            if (h > 1) {
                border[n++] = gray[(h - 1) * w + x];
            }
        }
        for (int y = 1; y < h - 1; y++) {
            border[n++] = gray[y * w];
            if (w > 1) {
                border[n++] = gray[y * w + w - 1];
            }
        }
        float[] values = Arrays.copyOf(border, n);
        Arrays.sort(values);
        return values[n / 2];
    }

    /** Each row of {@code src (h, w)} resampled to {@code nw} columns by area averaging: (h, nw). */
    private static float[] resampleColumns(float[] src, int w, int h, int nw) {
        float[] dst = new float[h * nw];
        double step = (double) w / nw; // input pixels per output pixel
        for (int ox = 0; ox < nw; ox++) {
            double from = ox * step;
            double to = from + step;
            for (int y = 0; y < h; y++) {
                dst[y * nw + ox] = (float) (area(src, y * w, 1, w, from, to) / step);
            }
        }
        return dst;
    }

    /** Each column of {@code src (h, w)} resampled to {@code nh} rows by area averaging: (nh, w). */
    private static float[] resampleRows(float[] src, int w, int h, int nh) {
        float[] dst = new float[nh * w];
        double step = (double) h / nh;
        for (int oy = 0; oy < nh; oy++) {
            double from = oy * step;
            double to = from + step;
            for (int x = 0; x < w; x++) {
                dst[oy * w + x] = (float) (area(src, x, w, h, from, to) / step);
            }
        }
        return dst;
    }

    /** The integral over [from, to) of the step function whose i-th unit interval is src[off + i·stride]. */
    private static double area(float[] src, int off, int stride, int n, double from, double to) {
        double sum = 0;
        int first = (int) Math.floor(from);
        int last = Math.min(n - 1, (int) Math.ceil(to) - 1);
        for (int i = Math.max(0, first); i <= last; i++) {
            double cover = Math.min(to, i + 1) - Math.max(from, i);
            if (cover > 0) {
                sum += cover * src[off + i * stride];
            }
        }
        return sum;
    }
}
