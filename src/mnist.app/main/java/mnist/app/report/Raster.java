package mnist.app.report;

import java.util.Arrays;

/**
 * A tiny RGB raster renderer for the PNG charts: filled rectangles, thick lines, and text in the 5x7
 * bitmap font. Drawing happens at {@link #SUPERSAMPLING} times the final resolution and {@link #pixels}
 * averages each block, so that sloped lines come out smooth; coordinates are in final pixels.
 */
final class Raster {
    static final int SUPERSAMPLING = 3;

    /** Where a text's anchor point sits on it. */
    enum Align { LEFT, CENTER, RIGHT }

    private final int width;
    private final int height;
    /** The supersampled image, 0xRRGGBB per pixel, row-major. */
    private final int[] fine;
    private final int fineWidth;
    private final int fineHeight;

    Raster(int width, int height, int background) {
        if (width < 1 || height < 1 || (long) width * height * SUPERSAMPLING * SUPERSAMPLING > 64_000_000) {
            throw new IllegalArgumentException("bad raster size " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        fineWidth = width * SUPERSAMPLING;
        fineHeight = height * SUPERSAMPLING;
        fine = new int[fineWidth * fineHeight];
        Arrays.fill(fine, background);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Fills the rectangle [x, x+w) x [y, y+h), clipped to the raster. */
    void fillRect(double x, double y, double w, double h, int rgb) {
        fillFine(fine(x), fine(y), fine(x + w), fine(y + h), rgb);
    }

    private void fillFine(int x0, int y0, int x1, int y1, int rgb) {
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(fineWidth, x1);
        y1 = Math.min(fineHeight, y1);
        if (x1 <= x0) {
            return;
        }
        for (int y = y0; y < y1; y++) {
            Arrays.fill(fine, y * fineWidth + x0, y * fineWidth + x1, rgb);
        }
    }

    /** The outline of a rectangle, {@code thickness} pixels wide, inside [x, x+w) x [y, y+h). */
    void strokeRect(double x, double y, double w, double h, double thickness, int rgb) {
        fillRect(x, y, w, thickness, rgb);
        fillRect(x, y + h - thickness, w, thickness, rgb);
        fillRect(x, y, thickness, h, rgb);
        fillRect(x + w - thickness, y, thickness, h, rgb);
    }

    /** A line from (x0, y0) to (x1, y1), {@code thickness} pixels wide, with round ends. */
    void line(double x0, double y0, double x1, double y1, double thickness, int rgb) {
        double s = SUPERSAMPLING;
        double ax = x0 * s, ay = y0 * s, bx = x1 * s, by = y1 * s, r = thickness * s / 2;
        int minX = Math.max(0, (int) Math.floor(Math.min(ax, bx) - r));
        int maxX = Math.min(fineWidth - 1, (int) Math.ceil(Math.max(ax, bx) + r));
        int minY = Math.max(0, (int) Math.floor(Math.min(ay, by) - r));
        int maxY = Math.min(fineHeight - 1, (int) Math.ceil(Math.max(ay, by) + r));
        double dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                double px = x + 0.5 - ax, py = y + 0.5 - ay;
                double t = length2 == 0 ? 0 : Math.clamp((px * dx + py * dy) / length2, 0, 1);
                double ex = px - t * dx, ey = py - t * dy;
                if (ex * ex + ey * ey <= r * r) {
                    fine[y * fineWidth + x] = rgb;
                }
            }
        }
    }

    /** A dashed line: dashes of {@code dash} pixels with gaps of the same length. */
    void dashedLine(double x0, double y0, double x1, double y1, double thickness, double dash, int rgb) {
        double length = Math.hypot(x1 - x0, y1 - y0);
        for (double d = 0; d < length; d += 2 * dash) {
            double e = Math.min(length, d + dash);
            line(x0 + (x1 - x0) * d / length, y0 + (y1 - y0) * d / length,
                    x0 + (x1 - x0) * e / length, y0 + (y1 - y0) * e / length, thickness, rgb);
        }
    }

    /**
     * Text in the 5x7 font, each font pixel {@code scale} pixels square, horizontally placed by
     * {@code align} around x, its top at y.
     */
    void text(String text, double x, double y, int scale, Align align, int rgb) {
        int w = Font5x7.width(text) * scale;
        double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - w / 2.0;
            case RIGHT -> x - w;
        };
        int fx = fine(Math.round(left));
        int fy = fine(Math.round(y));
        int cell = scale * SUPERSAMPLING;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            for (int row = 0; row < Font5x7.HEIGHT; row++) {
                for (int col = 0; col < Font5x7.WIDTH; col++) {
                    if (Font5x7.ink(c, col, row)) {
                        int px = fx + (i * Font5x7.ADVANCE + col) * cell;
                        int py = fy + row * cell;
                        fillFine(px, py, px + cell, py + cell, rgb);
                    }
                }
            }
        }
    }

    /** Text turned a quarter turn counter-clockwise (read from bottom to top), centred on (x, y). */
    void verticalText(String text, double x, double y, int scale, int rgb) {
        int length = Font5x7.width(text) * scale;
        int fx = fine(Math.round(x - Font5x7.HEIGHT * scale / 2.0));
        int fy = fine(Math.round(y + length / 2.0));
        int cell = scale * SUPERSAMPLING;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            for (int row = 0; row < Font5x7.HEIGHT; row++) {
                for (int col = 0; col < Font5x7.WIDTH; col++) {
                    if (Font5x7.ink(c, col, row)) {
                        // column along the text runs upwards; the glyph's rows run rightwards
                        int px = fx + row * cell;
                        int py = fy - (i * Font5x7.ADVANCE + col + 1) * cell;
                        fillFine(px, py, px + cell, py + cell, rgb);
                    }
                }
            }
        }
    }

    private static int fine(double v) {
        return (int) Math.round(v * SUPERSAMPLING);
    }

    /** The final image: each pixel the mean of its supersampled block, as RGB bytes, row-major. */
    byte[] pixels() {
        byte[] rgb = new byte[width * height * 3];
        int n = SUPERSAMPLING * SUPERSAMPLING;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 0, g = 0, b = 0;
                for (int sy = 0; sy < SUPERSAMPLING; sy++) {
                    int base = (y * SUPERSAMPLING + sy) * fineWidth + x * SUPERSAMPLING;
                    for (int sx = 0; sx < SUPERSAMPLING; sx++) {
                        int p = fine[base + sx];
                        r += p >>> 16 & 0xFF;
                        g += p >>> 8 & 0xFF;
                        b += p & 0xFF;
                    }
                }
                int o = (y * width + x) * 3;
                rgb[o] = (byte) ((r + n / 2) / n);
                rgb[o + 1] = (byte) ((g + n / 2) / n);
                rgb[o + 2] = (byte) ((b + n / 2) / n);
            }
        }
        return rgb;
    }

    /** The final image as a PNG file. */
    byte[] png() {
        return PngWriter.encode(width, height, 3, pixels());
    }
}
