package mnist.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Every PNG form a user's tools write, made here by the JDK's ImageIO (test scope only): gray at 1, 2, 4,
 * 8 and 16 bits, palettes with and without transparency, gray with alpha, RGB, RGBA; each plain and
 * Adam7-interlaced. The interlaced image decodes to exactly its plain form's pixels, and every form is
 * prepared to the same 28x28 digit as the 8-bit gray image, within what its bit depth can hold.
 */
class PngFormsTest {

    /** The first test digit drawn at 3x (84x84), white ink on black, as a user's drawing might be. */
    private static float[] source() throws Exception {
        try (java.io.InputStream in = ClassLoader.getSystemResourceAsStream("mnist/dataset/t10k-images-idx3-ubyte.gz")) {
            java.util.zip.GZIPInputStream gz = new java.util.zip.GZIPInputStream(in);
            byte[] header = gz.readNBytes(16);
            byte[] first = gz.readNBytes(784);
            assertEquals(16, header.length);
            float[] big = new float[84 * 84];
            for (int y = 0; y < 84; y++) {
                for (int x = 0; x < 84; x++) {
                    big[y * 84 + x] = (first[(y / 3) * 28 + x / 3] & 0xFF) / 255f;
                }
            }
            return big;
        }
    }

    private static byte[] write(BufferedImage image, boolean interlaced) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] png = bytes.toByteArray();
        assertEquals(interlaced ? 1 : 0, png[28], "the interlace byte of IHDR");
        return png;
    }

    /** The forms: a name, an image of the digit in that form, and how close to the 8-bit gray one it can be. */
    private record Form(String name, BufferedImage image, float tolerance) {
    }

    private static Form gray(float[] v, int bits) {
        int levels = (1 << bits) - 1;
        BufferedImage image;
        if (bits == 8) {
            image = new BufferedImage(84, 84, BufferedImage.TYPE_BYTE_GRAY);
        } else if (bits == 16) {
            image = new BufferedImage(84, 84, BufferedImage.TYPE_USHORT_GRAY);
        } else {
            byte[] ramp = new byte[1 << bits];
            for (int i = 0; i < ramp.length; i++) {
                ramp[i] = (byte) Math.round(255.0 * i / levels);
            }
            image = new BufferedImage(84, 84, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(bits, ramp.length, ramp, ramp, ramp));
        }
        for (int i = 0; i < v.length; i++) {
            if (bits == 16) {
                image.getRaster().setSample(i % 84, i / 84, 0, Math.round(v[i] * 65535));
            } else if (bits == 8) {
                image.getRaster().setSample(i % 84, i / 84, 0, Math.round(v[i] * 255));
            } else {
                image.getRaster().setSample(i % 84, i / 84, 0, Math.round(v[i] * levels));
            }
        }
        return new Form("gray " + bits + "-bit", image, bits >= 4 ? 0.5f / levels + 1e-6f : 0.5f);
    }

    private static Form argb(float[] v, String name, boolean alpha) {
        BufferedImage image = new BufferedImage(84, 84, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < v.length; i++) {
            int g = Math.round(v[i] * 255);
            // with alpha: the ink opaque, the background transparent (composited on white, as a light background)
            int argb = alpha ? (g > 0 ? 0xFF000000 | (255 - g) * 0x010101 : 0x00000000) : 0xFF000000 | g * 0x010101;
            image.setRGB(i % 84, i / 84, argb);
        }
        return new Form(name, image, alpha ? 1e-6f : 1e-6f);
    }

    /**
     * A palette of tinted grays (so that no writer can store it as gray); with transparency, dark ink on a
     * transparent background, which is composited on white.
     */
    private static Form palette(float[] v, boolean transparent) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256], alpha = new byte[256];
        for (int i = 0; i < 256; i++) {
            int level = transparent ? 255 - i : i;
            r[i] = (byte) level;
            g[i] = (byte) level;
            b[i] = (byte) Math.min(255, level + 1);
            alpha[i] = (byte) (transparent && i == 0 ? 0 : 255);
        }
        IndexColorModel model = transparent ? new IndexColorModel(8, 256, r, g, b, alpha) : new IndexColorModel(8, 256, r, g, b);
        BufferedImage image = new BufferedImage(84, 84, BufferedImage.TYPE_BYTE_INDEXED, model);
        for (int i = 0; i < v.length; i++) {
            image.getRaster().setSample(i % 84, i / 84, 0, Math.round(v[i] * 255));
        }
        return new Form(transparent ? "palette with transparency" : "palette", image, 1e-3f);
    }

    private static Form grayAlpha(float[] v) {
        java.awt.color.ColorSpace gray = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(gray, true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(model, model.createCompatibleWritableRaster(84, 84), false, null);
        for (int i = 0; i < v.length; i++) {
            int g = Math.round(v[i] * 255);
            image.getRaster().setSample(i % 84, i / 84, 0, 0);                 // black ink...
            image.getRaster().setSample(i % 84, i / 84, 1, g);                 // ...as opaque as the digit is dark
        }
        return new Form("gray with alpha", image, 1e-6f);
    }

    @Test
    void everyFormInterlacedOrNotGivesTheSameDigit() throws Exception {
        float[] v = source();
        float[] reference = DigitImages.prepare(DigitImages.decode(write(gray(v, 8).image(), false), "ref.png"), "ref.png");
        Form[] forms = {gray(v, 1), gray(v, 2), gray(v, 4), gray(v, 8), gray(v, 16), palette(v, false), palette(v, true),
                grayAlpha(v), argb(v, "RGB", false), argb(v, "RGBA", true)};
        for (Form form : forms) {
            byte[] plainBytes = write(form.image(), false);
            byte[] interlacedBytes = write(form.image(), true);
            GrayImage plain = DigitImages.decode(plainBytes, form.name() + ".png");
            GrayImage interlaced = DigitImages.decode(interlacedBytes, form.name() + " interlaced.png");
            assertArrayEquals(plain.pixels(), interlaced.pixels(), form.name() + ": interlaced decodes as plain");
            float[] prepared = DigitImages.prepare(interlaced, form.name());
            double largest = 0, mean = 0;
            for (int i = 0; i < prepared.length; i++) {
                double d = Math.abs(prepared[i] - reference[i]);
                largest = Math.max(largest, d);
                mean += d / prepared.length;
            }
            System.out.printf("PNG %-26s colour type %d, %2d-bit: interlaced = plain; 28x28 vs 8-bit gray: largest %.4f,"
                    + " mean %.4f%n", form.name(), plainBytes[25], plainBytes[24], largest, mean);
            if (form.tolerance() < 0.01f) {
                assertTrue(largest <= 0.01, form.name() + ": " + largest);
            } else {
                // 1 and 2 bits cannot hold the anti-aliased edge: the same digit, its edges cut
                assertTrue(mean <= 0.05, form.name() + ": mean difference " + mean);
            }
        }
    }
}
