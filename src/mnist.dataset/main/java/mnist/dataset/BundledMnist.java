package mnist.dataset;

/**
 * Where the bundled MNIST files are: resources of this package (a module must have a class in a package
 * it opens). Read them with {@code mnist.data.Mnist.loadBundled()}, which checks them.
 */
public final class BundledMnist {
    /** The resource directory of the files, as {@link ClassLoader#getResource} and {@link Module} name them. */
    public static final String DIRECTORY = "mnist/dataset/";

    private BundledMnist() {
    }
}
