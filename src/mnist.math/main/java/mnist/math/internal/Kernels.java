package mnist.math.internal;

import mnist.math.Backend;

/**
 * The numeric kernels of a dense network, on flat row-major {@code float[]} arrays.
 *
 * <p>Layout: a batch of activations is {@code (n, features)}, one sample per row; a weight matrix is
 * {@code (out, in)}, one output unit per row, as in {@code W[out][in]}. Arguments that may live inside a
 * larger array (parameters, and the input batch) come with an offset. Outputs come first, sizes last.
 *
 * <p>Every implementation gives, for every output element, the same bits whatever the thread count:
 * work is split so that each output is written by one thread, accumulating in a fixed order, and sums
 * are reduced over fixed blocks whose partial results are added in order.
 *
 * <p>Sealed: the two backends ({@link AbstractKernels}) and the profiler that wraps them
 * ({@link ProfiledKernels}) are the only implementations. Not part of mnist's API: the package is exported
 * only to {@code mnist.model} and {@code mnist.app}.
 */
public sealed interface Kernels extends AutoCloseable permits AbstractKernels, ProfiledKernels {

    /** Creates the kernels of {@code backend} running on {@code threads} threads (1 or more). */
    static Kernels create(Backend backend, int threads) {
        return KernelsFactory.create(backend, threads);
    }

    Backend backend();

    int threads();

    // ---- dense layer -------------------------------------------------------------------------------

    /** y (n, out) = x (n, in) · wᵀ + b, with w (out, in) and b (out); b may be null (no bias). */
    void linearForward(float[] y, float[] x, int xOff, float[] w, int wOff, float[] b, int bOff,
                       int n, int in, int out);

    /** dw (out, in) = scale · dyᵀ · x, with dy (n, out) and x (n, in); overwrites dw. */
    void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff,
                          int n, int in, int out, float scale);

    /** db (out) = scale · the column sums of dy (n, out); overwrites db. */
    void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale);

    /** dx (n, in) = dy (n, out) · w (out, in); overwrites dx. */
    void linearInputGrad(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out);

    /**
     * The first float of an array that begins a cache line when the array's object does, as every object
     * does under the launcher's {@code -XX:ObjectAlignmentInBytes=64} (a float[]'s elements start 16 bytes
     * into it). A vector that straddles two lines costs two loads: buffers whose vectors the kernels read
     * most put their data from here (with 16 lanes, the sparse forward of 128 x 784 -> 256 took 131 us
     * aligned, 210 us with every load straddling). Without that option objects start every 8 bytes, and
     * so do their vectors: then it makes no difference.
     */
    int ALIGNED_START = 12;

    // ---- dense layer on sparse inputs (the first layer, whose inputs are mostly zero pixels) ----------

    /**
     * The width P of the panels in which the sparse kernels keep a weight matrix: w (out, in) as
     * {@code out / P} panels, each (in, P), {@code wp[(p·in + k)·P + j] = w[p·P + j][k]}, so that the
     * weights of one input and P outputs are one contiguous run, and a panel's are one block.
     */
    int sparsePanel();

    /** wp = w (out, in) in panels of {@link #sparsePanel()} outputs; out must be a multiple of the panel. */
    void packPanels(float[] wp, int wpOff, float[] w, int wOff, int out, int in);

    /** w (out, in) = the panels wp, the inverse of {@link #packPanels}. */
    void unpackPanels(float[] w, int wOff, float[] wp, int wpOff, int out, int in);

    /**
     * y (n, out) = x (n, in) · wᵀ + b, with x sparse, w in panels ({@link #packPanels}) and b (out), b may
     * be null; n and in are x's. Each y[i][o] is the chain of fused multiply-adds over x's non-zeros of
     * row i in column order, from +0, then + b[o]: the same bits as {@link #linearForward} on the dense x
     * for batches it packs (48 rows or more).
     */
    void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out);

    /**
     * dw (out, in) = scale · dyᵀ · x, in panels ({@link #packPanels}), with x sparse (n, in) and dy (n, out);
     * overwrites dw. Each element is one chain over x's non-zeros in row order, then scaled: the same
     * bits as {@link #linearWeightGrad} on the dense x.
     */
    void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out, float scale);

    // ---- element-wise ------------------------------------------------------------------------------

    /** a[i] = 1 / (1 + exp(-z[i])) for i below len; a and z may be the same array. */
    void sigmoid(float[] a, float[] z, int len);

    /** dz[i] = da[i] · a[i] · (1 - a[i]), the backward pass of a sigmoid whose output was a. */
    void sigmoidBackward(float[] dz, float[] da, float[] a, int len);

    /** Each row of z (n, k) becomes its softmax in a (n, k), the row maximum subtracted first. */
    void softmax(float[] a, float[] z, int n, int k);

    /** out[i] = a[i] - b[i]. */
    void subtract(float[] out, float[] a, float[] b, int len);

    /** w[wOff + i] -= lr · g[gOff + i]: one step of gradient descent. */
    void sgdStep(float[] w, int wOff, float[] g, int gOff, float lr, int len);

    /** a[i] = max(0, z[i]); a and z may be the same array. */
    void relu(float[] a, float[] z, int len);

    /** dz[i] = da[i] where a[i] > 0, else 0: the backward pass of a ReLU whose output was a. */
    void reluBackward(float[] dz, float[] da, float[] a, int len);

    /** y[yOff + i] += alpha · x[xOff + i]; used to add L2 weight decay (alpha·w) to a gradient. */
    void axpy(float[] y, int yOff, float[] x, int xOff, float alpha, int len);

    /**
     * One step of SGD with momentum on w[off..off+len): {@code v = momentum·v + g; w -= lr·v}
     * (the form PyTorch uses). v has the layout of w.
     */
    void momentumStep(float[] w, float[] v, float[] g, int off, int len, float lr, float momentum);

    /**
     * One Adam step on w[off..off+len) with moment estimates m and v (layout of w):
     * {@code m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -= lr · (m·c1) / (sqrt(v·c2) + eps)},
     * where c1 = 1/(1-β1^t) and c2 = 1/(1-β2^t) correct the bias of step t.
     */
    void adamStep(float[] w, float[] m, float[] v, float[] g, int off, int len,
                  float lr, float beta1, float beta2, float eps, float c1, float c2);

    /** out[i] = exp(x[i]). */
    void exp(float[] out, float[] x, int len);

    /** out[i] = log(x[i]) (natural logarithm). */
    void log(float[] out, float[] x, int len);

    // ---- reductions (returned in double; thread-count independent) ---------------------------------

    /** The sum of x[0..len). */
    double sum(float[] x, int len);

    /** The largest of x[0..len); len must be at least 1. */
    float max(float[] x, int len);

    /** Σ a[i] · b[i]. */
    double dot(float[] a, float[] b, int len);

    /**
     * Σ over i of the binary cross-entropy of sigmoid(z[i]) against the target y[i] in [0, 1]:
     * -(y log σ(z) + (1-y) log(1-σ(z))), computed from the logit z so that it stays finite
     * where σ(z) rounds to 0 or 1 in float.
     */
    double binaryCrossEntropySum(float[] z, float[] y, int len);

    /**
     * Σ over rows i of -Σ_c y[i,c] · log softmax(z_i)_c, for logits z (n, k) and targets y (n, k),
     * computed as a log-softmax with the row maximum subtracted.
     */
    double softmaxCrossEntropySum(float[] z, float[] y, int n, int k);

    // ---- one training step split over threads ---------------------------------------------------------
    //
    // A minibatch step can run as two splits instead of a dozen parallel kernels with a handoff each:
    // first every thread takes a range of the batch's rows (forward, loss gradient and backward go row
    // by row), then every thread a range of each layer's outputs (the weight gradients, each a sum over
    // all the rows in order, and the update of those weights). The methods below do one range on the
    // calling thread, with the same bits as the whole call they are a range of, whatever the ranges.

    /** The work of one thread of {@link #split}: its part number, and one-thread kernels of its own. */
    @FunctionalInterface
    interface Part {
        void run(int part, Kernels serial);
    }

    /**
     * Runs {@code body} for parts 0 .. parts-1 at once, part 0 on the calling thread, and returns when
     * every part is done; parts is 1 to {@link #threads()}. Each part gets one-thread kernels of the same
     * backend, the same ones every time for a given part number: inside body, call those, not these.
     */
    void split(int parts, Part body);

    /** Rows [r0, r1) of {@code linearForward(y, x, 0, w, wOff, b, bOff, n, in, out)}. */
    void linearForwardRows(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                           int n, int in, int out, int r0, int r1);

    /** Rows [r0, r1) of {@code linearInputGrad(dx, dy, w, wOff, n, in, out)}. */
    void linearInputGradRows(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out, int r0, int r1);

    /** Rows [r0, r1) of {@link #sparseLinearForward(float[], SparseBatch, float[], int, float[], int, int)}. */
    void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out,
                             int r0, int r1);

    /**
     * Outputs [o0, o1), whole panels, of every row of
     * {@link #sparseLinearForward(float[], SparseBatch, float[], int, float[], int, int)}: a part's panels,
     * the weights it updated last, still in its core's cache.
     */
    void sparseLinearForwardOutputs(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out,
                                    int o0, int o1);

    /** Rows [r0, r1) of {@code softmax(a, z, n, k)}. */
    void softmaxRows(float[] a, float[] z, int n, int k, int r0, int r1);

    /**
     * Rows [r0, r1) of {@code softmax(a, z, n, k)}, and loss[i] = row i's term of
     * {@link #softmaxCrossEntropySum}(z, y, n, k) for each of them: the same bits as the two kernels, from
     * one pass over each row's exponentials. Each part of a split step its rows, at the end of its forward
     * pass, rather than every part the whole sum; {@link #sumRowLosses} then gives the same double as
     * softmaxCrossEntropySum.
     */
    void softmaxRowsWithLoss(float[] a, double[] loss, float[] z, float[] y, int n, int k, int r0, int r1);

    /** The sum of loss[0 .. n) in the order {@link #softmaxCrossEntropySum} adds its rows: in blocks, then the blocks. */
    static double sumRowLosses(double[] loss, int n) {
        return AbstractKernels.sumRowLosses(loss, n);
    }

    /** Elements [from, to) of {@link #relu(float[], float[], int)}. */
    void relu(float[] a, float[] z, int from, int to);

    /** Elements [from, to) of {@link #reluBackward(float[], float[], float[], int)}. */
    void reluBackward(float[] dz, float[] da, float[] a, int from, int to);

    /** Elements [from, to) of {@link #sigmoid(float[], float[], int)}. */
    void sigmoid(float[] a, float[] z, int from, int to);

    /** Elements [from, to) of {@link #sigmoidBackward(float[], float[], float[], int)}. */
    void sigmoidBackward(float[] dz, float[] da, float[] a, int from, int to);

    /** Elements [from, to) of {@link #subtract(float[], float[], float[], int)}. */
    void subtract(float[] out, float[] a, float[] b, int from, int to);

    /**
     * Outputs [o0, o1) (rows of dw) of {@code linearWeightGrad(dw, dwOff, dy, x, xOff, n, in, out, scale)}:
     * each weight one chain over the n samples in order (the same bits as the whole call up to 2,048
     * samples, or for 256 inputs or more).
     */
    void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff,
                          int n, int in, int out, float scale, int o0, int o1);

    /** Outputs [o0, o1) of {@code linearBiasGrad(db, dbOff, dy, n, out, scale)}. */
    void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale, int o0, int o1);

    /** Outputs [o0, o1), whole panels, of {@link #sparseWeightGrad(float[], int, SparseBatch, float[], int, float)}. */
    void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out, float scale, int o0, int o1);

    // ---- 2-D convolution (stride 1, zero padding) and 2x2 max-pooling, a sample range at a time -------
    //
    // Activations are channels-last, (n, height, width, channels), one sample after the other; see
    // ConvShape. A convolution is im2col, then linearForward over the rows of the unrolled input (one per
    // sample and output position), with w (out, kernel, kernel, in) as the weights; its input gradient is
    // linearInputGrad then col2im, its weight gradient linearWeightGrad over those rows. On an input of few
    // channels (an image) convForward and convWeightGrad compute the same sums from x directly. Each call
    // does samples [r0, r1) (or terms [t0, t1)) on the calling thread, the same values whatever the ranges.

    /**
     * Samples [r0, r1) of the unrolled input: row (i, r, c) of cols (n · positions, terms) is the window
     * of x (n, height, width, in) under output position (r, c), in (u, v, channel) order, 0 outside.
     */
    void im2col(float[] cols, float[] x, ConvShape s, int n, int r0, int r1);

    /**
     * The adjoint of {@link #im2col} for samples [r0, r1): dx (n, height, width, in) = the sum, over every
     * row of dcols, of its terms back at the input positions they came from (a fixed order); overwrites dx.
     */
    void col2im(float[] dx, float[] dcols, ConvShape s, int n, int r0, int r1);

    /**
     * Samples [r0, r1) of the convolution computed from x directly, without an unrolled input: y (n,
     * outHeight, outWidth, out) with every output one fused multiply-add chain over its window, in (u, v,
     * channel) order from +0 (terms outside the image skipped, which is the same as adding 0), then plus
     * b[o] (b may be null). For inputs of few channels (an image), where im2col's rows would be runs of a
     * few floats to copy, and its unrolled input {@code positions · terms} floats a sample to hold.
     */
    void convForward(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff, ConvShape s, int n, int r0, int r1);

    /**
     * The weight gradient of {@link #convForward} for window terms [t0, t1) of every output channel:
     * dw[o][t] = scale · Σ over the n samples' positions, in order, of dy[position][o] · (term t of the
     * position's window), one fused multiply-add chain per weight (dw and w are (out, terms) from dwOff),
     * as linearWeightGrad computes it over im2col's rows. Splitting over terms rather than channels keeps
     * every part's channels a whole number of vectors.
     */
    void convWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n, float scale, int t0, int t1);

    /**
     * Samples [r0, r1) of 2x2 max-pooling, stride 2: y (n, h/2, w/2, c) from x (n, h, w, c), rounding down
     * (an odd last row or column is dropped); arg gets, for each output, the index in x of the maximum
     * (the first in row order on ties).
     */
    void maxPool2(float[] y, int[] arg, float[] x, int c, int h, int w, int n, int r0, int r1);

    /** Samples [r0, r1) of the gradient of {@link #maxPool2}: dx (n, h, w, c) is dy at the maxima, 0 elsewhere. */
    void maxPool2Backward(float[] dx, float[] dy, int[] arg, int c, int h, int w, int n, int r0, int r1);

    /** Stops the worker threads, if any. */
    @Override
    void close();
}
