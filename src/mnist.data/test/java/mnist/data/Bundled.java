package mnist.data;

import java.io.UncheckedIOException;

/** The bundled data set, loaded once for all test classes (it takes about a second and 220 MB). */
final class Bundled {
    private Bundled() {}

    private static Mnist mnist;

    static synchronized Mnist mnist() {
        if (mnist == null) {
            try {
                mnist = Mnist.loadBundled();
            } catch (DatasetException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnist;
    }
}
