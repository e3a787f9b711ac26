package mnist.app;

import java.nio.charset.Charset;

/** Draws a grayscale image in the terminal, two characters per pixel so that digits keep their shape. */
final class DigitArt {
    private static final String[] BLOCKS = {"  ", "░░", "▒▒", "▓▓", "██"};
    private static final String[] ASCII = {"  ", "..", "::", "%%", "@@"};

    private DigitArt() {
    }

    /**
     * The image at {@code pixels[off..off+rows·cols)}, values in [0, 1] with 1 the ink, framed, one line
     * per pixel row. Shade blocks when {@code charset} can print them, else ASCII.
     */
    static String render(float[] pixels, int off, int rows, int cols, Charset charset) {
        String[] shades = charset.newEncoder().canEncode("░▒▓█") ? BLOCKS : ASCII;
        String edge = "+" + "-".repeat(2 * cols) + "+\n";
        StringBuilder out = new StringBuilder(edge);
        for (int r = 0; r < rows; r++) {
            out.append('|');
            for (int c = 0; c < cols; c++) {
                float v = Math.clamp(pixels[off + r * cols + c], 0f, 1f);
                // 0 stays blank; any ink shows, darkest at 1.
                int level = v == 0f ? 0 : 1 + Math.min(shades.length - 2, (int) (v * (shades.length - 1)));
                out.append(shades[level]);
            }
            out.append("|\n");
        }
        return out.append(edge).toString();
    }
}
