/**
 * The strict reader of IDX files behind {@link mnist.data.Mnist}, and our packed format of IDX images
 * ({@link mnist.data.idx.PackedImages}), in which the bundled training images are kept. Not exported: an application reads a data
 * set with {@code Mnist.load} or {@code Mnist.loadBundled}.
 */
package mnist.data.idx;
