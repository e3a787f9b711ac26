/**
 * The strict reader of IDX files behind {@link mnist.data.Mnist}. Not exported: an application reads a data
 * set with {@code Mnist.load} or {@code Mnist.loadBundled}.
 */
package mnist.data.idx;
