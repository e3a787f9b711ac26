package mnist.data.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import mnist.data.DatasetException;

/** PNG and PGM images: decoded and prepared as MNIST's digits, or refused with a DatasetException; nothing else. */
class ImageFuzzTarget {
    @FuzzTest(maxDuration = "5m")
    void png(byte[] data) {
        decode(data);
    }

    @FuzzTest(maxDuration = "5m")
    void pgm(byte[] data) {
        decode(data);
    }

    private static void decode(byte[] data) {
        try {
            GrayImage image = DigitImages.decode(data, "f");
            DigitImages.prepare(image, "f");
        } catch (DatasetException expected) {
            // refused with a message: fine
        }
    }
}
