package mnist.math.internal;

import java.util.Objects;

/**
 * What both backends share: argument checks, the split of work into contiguous chunks (one per
 * thread), and the fixed blocks of the reductions. Subclasses supply the range kernels.
 *
 * <p>Determinism: every output element is computed by code whose order of operations does not depend
 * on where the chunk boundaries fall (register tiles and their tails accumulate each element in the
 * same order, with fused multiply-adds on both paths), so chunk boundaries may depend on the thread
 * count; reductions are over {@link #BLOCK}-element blocks whose partials are added in block order.
 */
public abstract sealed class AbstractKernels implements Kernels permits ScalarKernels, SimdKernels {

    /** Elements per block of the sum, dot and binary cross-entropy reductions. */
    static final int BLOCK = 4096;
    /** Rows per block of the softmax cross-entropy reduction. */
    static final int ROW_BLOCK = 256;
    /** Element-wise kernels go parallel from this length on. */
    static final int PAR_ELEMENTS = 1 << 17;   // below, handing half of the work to the other thread costs more than it saves (measured: ReLU over 128x256 5 us alone, 20 us split)
    /** Matrix kernels go parallel from this many multiply-adds on. */
    static final long PAR_MACS = 1L << 20;   // ~40 us of SIMD work: below that, waking a worker costs more than it saves
    /** Samples per cache block of the weight gradient (128 x 784 floats = 400 KB, within a 512 KB L2). */
    static final int DW_SAMPLES = 64;

    /** Rows per invocation of the forward and input-gradient kernels (see {@link #parallel}); a multiple of ROW_ALIGN. */
    static final int ROW_STEP = 192;
    /** Row chunks of the forward and input gradient start at multiples of this (the SIMD tile height). Aligned to 4, a batch of 128 splits 64 + 64, but a 2-thread step measured 2x slower in training (not in isolation): kept at 6. */
    static final int ROW_ALIGN = 6;
    /** Columns of a chunk of the column-split weight gradient start at multiples of this. */
    static final int COL_ALIGN = 16;
    /** The weight gradient is split over columns (inputs) from this many inputs on. */
    static final int DW_SPLIT_IN = 256;
    /** Samples per fixed block of the sample-split weight gradient (small layers, see linearWeightGrad). */
    static final int DW_SAMPLE_BLOCK = 2048;
    /** The sample split is used up to this many weights (its partial sums need blocks x weights floats). */
    static final int DW_SAMPLE_SPLIT_MAX_WEIGHTS = 1 << 16;
    /** Elements per invocation of the element-wise kernels. */
    static final int ELEMENT_STEP = 8192;

    private final int threads;
    private final WorkerPool pool;

    protected AbstractKernels(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new WorkerPool(threads, "mnist-" + name);
    }

    @Override
    public final int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @FunctionalInterface
    protected interface RangeTask {
        void run(int from, int to);
    }

    /** The bound of chunk {@code i} of {@code parts} over [0, total), inner bounds multiples of {@code align}. */
    static int bound(int total, int parts, int i, int align) {
        if (i >= parts) {
            return total;
        }
        long b = (long) total * i / parts;
        return (int) (b - b % align);
    }

    /**
     * Runs task over [0, total), split into up to {@code threads} aligned chunks when {@code big}; each
     * chunk is fed to the task in slices of at most {@code step} items (a multiple of align). Slicing
     * keeps each kernel invocation short, so that the JIT sees complete profiles (loop exits included)
     * and compiles the kernels normally, instead of one long-running call that deoptimises at its first
     * loop exit and then runs profiled C1 code, where every vector is boxed, until recompiled.
     */
    protected final void parallel(int total, int align, int step, boolean big, RangeTask task) {
        int parts = big ? (int) Math.min(threads, (total + (long) align - 1) / align) : 1;
        if (parts <= 1 || pool == null) {
            sliced(0, total, step, task);
        } else {
            final int p = parts;
            pool.run(p, c -> sliced(bound(total, p, c, align), bound(total, p, c + 1, align), step, task));
        }
    }

    private static void sliced(int from, int to, int step, RangeTask task) {
        for (int f = from; f < to; ) {
            int e = to - f > step ? f + step : to;   // no overflow for step = Integer.MAX_VALUE
            task.run(f, e);
            f = e;
        }
        if (from == to) {
            task.run(from, to);
        }
    }

    private static void check(String what, float[] a, int off, long len) {
        Objects.requireNonNull(a, what);
        if (off < 0 || len < 0 || off + len > a.length) {
            throw new IndexOutOfBoundsException(what + ": offset " + off + " + length " + len
                    + " outside an array of " + a.length);
        }
    }

    private static void dims(int... d) {
        for (int v : d) {
            if (v < 0) {
                throw new IllegalArgumentException("negative size " + v);
            }
        }
    }

    // ---- dense layer -------------------------------------------------------------------------------

    @Override
    public final synchronized void linearForward(float[] y, float[] x, int xOff, float[] w, int wOff, float[] b, int bOff,
                                                 int n, int in, int out) {
        dims(n, in, out);
        check("y", y, 0, (long) n * out);
        check("x", x, xOff, (long) n * in);
        check("w", w, wOff, (long) out * in);
        float[] bias = biasesOrZeros(b, bOff, out);
        int biasOff = b == null ? 0 : bOff;
        float[] packed = packForward(w, wOff, n, in, out);
        parallel(n, ROW_ALIGN, ROW_STEP, (long) n * in * out >= PAR_MACS,
                (r0, r1) -> forwardRows(y, x, xOff, w, wOff, packed, bias, biasOff, r0, r1, in, out));
    }

    /**
     * Three splits, chosen from the shape alone (never from the thread count): wide inputs (784 pixels)
     * are split over columns, so that each thread reads its own part of every sample; narrow layers with
     * many outputs over rows; small layers (such as 64 -> 10, whose 640 weights give too little to split
     * otherwise) over fixed blocks of {@link #DW_SAMPLE_BLOCK} samples, whose partial sums are then added
     * in block order. In the first two, each weight is one chain of fused multiply-adds over the samples
     * in order; in the third, one chain per block.
     */
    @Override
    public final synchronized void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff,
                                                    int n, int in, int out, float scale) {
        dims(n, in, out);
        check("dw", dw, dwOff, (long) out * in);
        check("dy", dy, 0, (long) n * out);
        check("x", x, xOff, (long) n * in);
        boolean big = (long) n * in * out >= PAR_MACS;
        int weights = in * out;
        if (in < DW_SPLIT_IN && weights <= DW_SAMPLE_SPLIT_MAX_WEIGHTS && n > DW_SAMPLE_BLOCK) {
            int blocks = (n + DW_SAMPLE_BLOCK - 1) / DW_SAMPLE_BLOCK;
            float[] partial = scratch(1, (long) blocks * weights);
            parallel(blocks, 1, Integer.MAX_VALUE, big, (b0, b1) -> {
                for (int bl = b0; bl < b1; bl++) {
                    int i0 = bl * DW_SAMPLE_BLOCK, i1 = Math.min(n, i0 + DW_SAMPLE_BLOCK);
                    weightGrad(partial, bl * weights, dy, x, xOff, i0, i1, in, out, 0, out, 0, in);
                }
            });
            parallel(weights, 64, ELEMENT_STEP, (long) blocks * weights >= PAR_ELEMENTS,
                    (j0, j1) -> sumBlocksScaled(dw, dwOff, partial, blocks, weights, j0, j1, scale));
            return;
        }
        if (in >= DW_SPLIT_IN) {
            parallel(in, COL_ALIGN, Integer.MAX_VALUE, big, (k0, k1) -> {
                weightGrad(dw, dwOff, dy, x, xOff, 0, n, in, out, 0, out, k0, k1);
                scaleRows(dw, dwOff, in, 0, out, k0, k1, scale);
            });
        } else {
            parallel(out, ROW_ALIGN, Integer.MAX_VALUE, big, (o0, o1) -> {
                weightGrad(dw, dwOff, dy, x, xOff, 0, n, in, out, o0, o1, 0, in);
                scaleRows(dw, dwOff, in, o0, o1, 0, in, scale);
            });
        }
    }

    /**
     * dw[o][k] = Σ_{i in [i0, i1)} dy[i][o] · x[i][k] for o in [o0, o1), k in [k0, k1), one chain per
     * element in sample order, in cache blocks of {@link #DW_SAMPLES} samples (dw starts at dwOff).
     */
    private void weightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff, int i0, int i1, int in, int out,
                            int o0, int o1, int k0, int k1) {
        if (i0 == i1) {
            for (int o = o0; o < o1; o++) {
                java.util.Arrays.fill(dw, dwOff + o * in + k0, dwOff + o * in + k1, 0f);
            }
        }
        for (int s0 = i0; s0 < i1; s0 += DW_SAMPLES) {
            int s1 = Math.min(i1, s0 + DW_SAMPLES);
            // C = dw (rows o), A(o, i) = dy[i*out + o], B rows = x samples; the first block starts from zero
            broadcastGemm(dw, dwOff, in, dy, 0, 1, out, x, xOff, in, o0, o1, s0, s1, k0, k1, s0 == i0);
        }
    }

    private void scaleRows(float[] dw, int dwOff, int in, int o0, int o1, int k0, int k1, float scale) {
        if (scale != 1f) {
            for (int o = o0; o < o1; o++) {
                scaleRange(dw, dwOff + o * in + k0, dwOff + o * in + k1, scale);
            }
        }
    }

    /** dw[j] = scale · (p[0][j] + p[1][j] + ... ), the blocks' partials added in block order, for j in [j0, j1). */
    private static void sumBlocksScaled(float[] dw, int dwOff, float[] partial, int blocks, int weights,
                                        int j0, int j1, float scale) {
        for (int j = j0; j < j1; j++) {
            float s = partial[j];
            for (int bl = 1; bl < blocks; bl++) {
                s += partial[bl * weights + j];
            }
            dw[dwOff + j] = scale == 1f ? s : s * scale;
        }
    }

    /** part[bl·out + o] = the float sum of dy's column o over the rows of block bl, for blocks [b0, b1), o in [o0, o1). */
    private void columnSums(float[] part, float[] dy, int n, int out, int o0, int o1, int b0, int b1) {
        for (int bl = b0; bl < b1; bl++) {
            int p = bl * out + o0;
            java.util.Arrays.fill(part, p, p + (o1 - o0), 0f);
            for (int i = bl * ROW_BLOCK, end = Math.min(n, i + ROW_BLOCK); i < end; i++) {
                addTo(part, p, dy, i * out + o0, o1 - o0);
            }
        }
    }

    /** Whether an element-wise kernel over len elements runs on the calling thread (then without a task object). */
    private boolean serial(int len) {
        return pool == null || len < PAR_ELEMENTS;
    }

    private final float[][] scratch = new float[4][];

    /** Scratch array number {@code slot} with at least {@code size} floats (callers hold this object's lock). */
    private float[] scratch(int slot, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("scratch of " + size + " floats is too large");
        }
        float[] s = scratch[slot];
        if (s == null || s.length < size) {
            s = new float[(int) size];
            scratch[slot] = s;
        }
        return s;
    }

    /**
     * A scratch array for a backend's own use (the packed weights of the forward); valid until the next
     * kernel call. Callers hold this object's lock: the public methods that use scratch are synchronized.
     */
    protected final float[] packScratch(long size) {
        return scratch(0, size);
    }

    @Override
    public final synchronized void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale) {
        dims(n, out);
        check("db", db, dbOff, out);
        check("dy", dy, 0, (long) n * out);
        biasGrad(db, dbOff, dy, n, out, scale, 0, out, (long) n * out >= PAR_ELEMENTS);
    }

    /**
     * db[o] for o in [o0, o1): float column sums over blocks of ROW_BLOCK rows, the blocks' sums added to
     * a double per column in block order (callers hold this object's lock: it uses scratch).
     */
    private void biasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale, int o0, int o1, boolean big) {
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        float[] part = scratch(1, (long) blocks * out);
        if (big && pool != null) {
            parallel(blocks, 1, Integer.MAX_VALUE, true, (b0, b1) -> columnSums(part, dy, n, out, o0, o1, b0, b1));
        } else {
            columnSums(part, dy, n, out, o0, o1, 0, blocks);
        }
        for (int o = o0; o < o1; o++) {
            double acc = 0;
            for (int bl = 0; bl < blocks; bl++) {
                acc += part[bl * out + o];
            }
            db[dbOff + o] = (float) (scale * acc);
        }
    }

    @Override
    public final void linearInputGrad(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out) {
        dims(n, in, out);
        check("dx", dx, 0, (long) n * in);
        check("dy", dy, 0, (long) n * out);
        check("w", w, wOff, (long) out * in);
        parallel(n, ROW_ALIGN, ROW_STEP, (long) n * in * out >= PAR_MACS, (r0, r1) -> {
            if (out == 0) {
                for (int i = r0; i < r1; i++) {
                    java.util.Arrays.fill(dx, i * in, i * in + in, 0f);
                }
            }
            // C = dx (rows i), A(i, o) = dy[i*out + o], B rows = w rows; starts from zero
            broadcastGemm(dx, 0, in, dy, 0, out, 1, w, wOff, in, r0, r1, 0, out, 0, in, true);
        });
    }

    // ---- dense layer on sparse inputs -----------------------------------------------------------------

    private void checkPanels(int out) {
        if (out % sparsePanel() != 0) {
            throw new IllegalArgumentException(out + " outputs are not a whole number of panels of " + sparsePanel());
        }
    }

    @Override
    public final void packPanels(float[] wp, int wpOff, float[] w, int wOff, int out, int in) {
        copyPanels(wp, wpOff, w, wOff, out, in, true);
    }

    @Override
    public final void unpackPanels(float[] w, int wOff, float[] wp, int wpOff, int out, int in) {
        copyPanels(w, wOff, wp, wpOff, out, in, false);
    }

    /** w (out, in) to its panels (toPanels) or back: wp[(p·in + k)·P + j] = w[p·P + j][k]. */
    private void copyPanels(float[] dst, int dstOff, float[] src, int srcOff, int out, int in, boolean toPanels) {
        dims(out, in);
        checkPanels(out);
        check("dst", dst, dstOff, (long) out * in);
        check("src", src, srcOff, (long) out * in);
        int pw = sparsePanel();
        parallel(out / pw, 1, Integer.MAX_VALUE, (long) out * in >= PAR_ELEMENTS, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int j = 0; j < pw; j++) {
                    int w = (p * pw + j) * in, wp = p * in * pw + j;   // w's row, and its first place in the panel
                    for (int k = 0; k < in; k++) {
                        if (toPanels) {
                            dst[dstOff + wp + k * pw] = src[srcOff + w + k];
                        } else {
                            dst[dstOff + w + k] = src[srcOff + wp + k * pw];
                        }
                    }
                }
            }
        });
    }

    /**
     * Both sparse kernels split the work over panels: every panel is the same work, and no two share an
     * output. With fewer panels than threads the forward splits the rows and the weight gradient the
     * inputs instead; every chain is computed whole by one thread either way, so the bits do not change.
     */
    @Override
    public final synchronized void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff,
                                                       float[] b, int bOff, int out) {
        int n = x.rows(), in = x.cols();
        dims(out);
        checkPanels(out);
        sparseReady(x);
        check("y", y, 0, (long) n * out);
        check("wp", wp, wpOff, (long) in * out);
        float[] bias = biasesOrZeros(b, bOff, out);
        int biasOff = b == null ? 0 : bOff;
        int panels = out / sparsePanel();
        boolean big = (long) x.nonZeros() * out >= PAR_MACS;
        if (panels >= threads || !big) {
            parallel(panels, 1, Integer.MAX_VALUE, big,
                    (p0, p1) -> sparseForwardPanels(y, x, wp, wpOff, bias, biasOff, p0, p1, out, 0, n));
        } else { // fewer panels than threads (the lecture's 64 outputs are one panel with AVX-512): split the rows
            parallel(n, 8, Integer.MAX_VALUE, true,
                    (r0, r1) -> sparseForwardPanels(y, x, wp, wpOff, bias, biasOff, 0, panels, out, r0, r1));
        }
    }

    @Override
    public final synchronized void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out,
                                                    float scale) {
        int n = x.rows(), in = x.cols();
        dims(out);
        checkPanels(out);
        sparseReady(x);
        check("dwp", dwp, dwpOff, (long) in * out);
        check("dy", dy, 0, (long) n * out);
        int panels = out / sparsePanel();
        boolean big = (long) x.nonZeros() * out >= PAR_MACS;
        if (panels >= threads || !big) {
            parallel(panels, 1, Integer.MAX_VALUE, big,
                    (p0, p1) -> sparseGradPanels(dwp, dwpOff, x, dy, p0, p1, 0, in, out, scale));
        } else { // fewer panels than threads: split the inputs, whose chains are independent
            parallel(in, 8, Integer.MAX_VALUE, true,
                    (k0, k1) -> sparseGradPanels(dwp, dwpOff, x, dy, 0, panels, k0, k1, out, scale));
        }
    }

    private static void sparseReady(SparseBatch x) {
        Objects.requireNonNull(x, "x");
        if (!x.finished()) {
            throw new IllegalStateException("sparse batch not finished");
        }
    }

    // ---- element-wise ------------------------------------------------------------------------------

    @Override
    public final void sigmoid(float[] a, float[] z, int len) {
        check("a", a, 0, len);
        check("z", z, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> sigmoidRange(a, z, f, t));
    }

    @Override
    public final void sigmoidBackward(float[] dz, float[] da, float[] a, int len) {
        check("dz", dz, 0, len);
        check("da", da, 0, len);
        check("a", a, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> sigmoidBackwardRange(dz, da, a, f, t));
    }

    @Override
    public final void softmax(float[] a, float[] z, int n, int k) {
        dims(n, k);
        check("a", a, 0, (long) n * k);
        check("z", z, 0, (long) n * k);
        parallel(n, 1, ROW_BLOCK, (long) n * k >= PAR_ELEMENTS, (r0, r1) -> softmaxRange(a, z, r0, r1, k));
    }

    @Override
    public final void subtract(float[] out, float[] a, float[] b, int len) {
        check("out", out, 0, len);
        check("a", a, 0, len);
        check("b", b, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> subtractRange(out, a, b, f, t));
    }

    @Override
    public final void sgdStep(float[] w, int wOff, float[] g, int gOff, float lr, int len) {
        check("w", w, wOff, len);
        check("g", g, gOff, len);
        if (serial(len)) {
            for (int f = 0; f < len; f += ELEMENT_STEP) {
                sgdRange(w, wOff, g, gOff, lr, f, Math.min(len, f + ELEMENT_STEP));
            }
            return;
        }
        parallel(len, 64, ELEMENT_STEP, true, (f, t) -> sgdRange(w, wOff, g, gOff, lr, f, t));
    }

    @Override
    public final void relu(float[] a, float[] z, int len) {
        check("a", a, 0, len);
        check("z", z, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> reluRange(a, z, f, t));
    }

    @Override
    public final void reluBackward(float[] dz, float[] da, float[] a, int len) {
        check("dz", dz, 0, len);
        check("da", da, 0, len);
        check("a", a, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> reluBackwardRange(dz, da, a, f, t));
    }

    @Override
    public final void axpy(float[] y, int yOff, float[] x, int xOff, float alpha, int len) {
        check("y", y, yOff, len);
        check("x", x, xOff, len);
        if (serial(len)) {
            for (int f = 0; f < len; f += ELEMENT_STEP) {
                axpyRange(y, yOff, x, xOff, alpha, f, Math.min(len, f + ELEMENT_STEP));
            }
            return;
        }
        parallel(len, 64, ELEMENT_STEP, true, (f, t) -> axpyRange(y, yOff, x, xOff, alpha, f, t));
    }

    @Override
    public final void momentumStep(float[] w, float[] v, float[] g, int off, int len, float lr, float momentum) {
        check("w", w, off, len);
        check("v", v, off, len);
        check("g", g, off, len);
        if (serial(len)) {
            for (int f = 0; f < len; f += ELEMENT_STEP) {
                momentumRange(w, v, g, off + f, off + Math.min(len, f + ELEMENT_STEP), lr, momentum);
            }
            return;
        }
        parallel(len, 64, ELEMENT_STEP, true, (f, t) -> momentumRange(w, v, g, off + f, off + t, lr, momentum));
    }

    @Override
    public final void adamStep(float[] w, float[] m, float[] v, float[] g, int off, int len,
                               float lr, float beta1, float beta2, float eps, float c1, float c2) {
        check("w", w, off, len);
        check("m", m, off, len);
        check("v", v, off, len);
        check("g", g, off, len);
        if (serial(len)) {
            for (int f = 0; f < len; f += ELEMENT_STEP) {
                adamRange(w, m, v, g, off + f, off + Math.min(len, f + ELEMENT_STEP), lr, beta1, beta2, eps, c1, c2);
            }
            return;
        }
        parallel(len, 64, ELEMENT_STEP, true, (f, t) -> adamRange(w, m, v, g, off + f, off + t, lr, beta1, beta2, eps, c1, c2));
    }

    @Override
    public final void exp(float[] out, float[] x, int len) {
        check("out", out, 0, len);
        check("x", x, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> expRange(out, x, f, t));
    }

    @Override
    public final void log(float[] out, float[] x, int len) {
        check("out", out, 0, len);
        check("x", x, 0, len);
        parallel(len, 64, ELEMENT_STEP, len >= PAR_ELEMENTS, (f, t) -> logRange(out, x, f, t));
    }

    // ---- reductions --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface BlockSum {
        double of(int from, int to);
    }

    /** Σ over fixed blocks of {@code block} items of [0, total), the partials added in block order. */
    private double blocked(int total, int block, boolean big, BlockSum f) {
        int blocks = (total + block - 1) / block;
        if (blocks <= 1) {
            return total == 0 ? 0.0 : f.of(0, total);
        }
        double[] partial = new double[blocks];
        parallel(blocks, 1, Integer.MAX_VALUE, big, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                partial[b] = f.of(b * block, Math.min(total, (b + 1) * block));
            }
        });
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }

    @Override
    public final double sum(float[] x, int len) {
        check("x", x, 0, len);
        return blocked(len, BLOCK, len >= PAR_ELEMENTS, (f, t) -> sumBlock(x, f, t));
    }

    @Override
    public final float max(float[] x, int len) {
        check("x", x, 0, len);
        if (len < 1) {
            throw new IllegalArgumentException("max of an empty range");
        }
        int blocks = (len + BLOCK - 1) / BLOCK;
        float[] partial = new float[blocks];
        parallel(blocks, 1, Integer.MAX_VALUE, len >= PAR_ELEMENTS, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                partial[b] = maxBlock(x, b * BLOCK, Math.min(len, (b + 1) * BLOCK));
            }
        });
        float m = partial[0];
        for (float p : partial) {
            m = Math.max(m, p);
        }
        return m;
    }

    @Override
    public final double dot(float[] a, float[] b, int len) {
        check("a", a, 0, len);
        check("b", b, 0, len);
        return blocked(len, BLOCK, len >= PAR_ELEMENTS, (f, t) -> dotBlock(a, b, f, t));
    }

    @Override
    public final double binaryCrossEntropySum(float[] z, float[] y, int len) {
        check("z", z, 0, len);
        check("y", y, 0, len);
        return blocked(len, BLOCK, len >= PAR_ELEMENTS, (f, t) -> bceBlock(z, y, f, t));
    }

    @Override
    public final double softmaxCrossEntropySum(float[] z, float[] y, int n, int k) {
        dims(n, k);
        check("z", z, 0, (long) n * k);
        check("y", y, 0, (long) n * k);
        return blocked(n, ROW_BLOCK, (long) n * k >= PAR_ELEMENTS, (r0, r1) -> softmaxCeRows(z, y, r0, r1, k));
    }

    // ---- one training step split over threads ----------------------------------------------------------

    private AbstractKernels[] serial;

    /** A new one-thread instance of this backend (a part's kernels in {@link #split}). */
    protected abstract AbstractKernels oneThread();

    @Override
    public final void split(int parts, Part body) {
        Objects.requireNonNull(body, "body");
        if (parts < 1 || parts > threads) {
            throw new IllegalArgumentException(parts + " parts for " + threads + " threads");
        }
        AbstractKernels[] k = serialKernels();
        if (parts == 1 || pool == null) {
            body.run(0, k[0]);
        } else {
            pool.run(parts, c -> body.run(c, k[c]));
        }
    }

    private synchronized AbstractKernels[] serialKernels() {
        if (serial == null) {
            AbstractKernels[] k = new AbstractKernels[threads];
            for (int i = 0; i < threads; i++) {
                k[i] = threads == 1 ? this : oneThread();
            }
            serial = k;
        }
        return serial;
    }

    private float[] zeroBiases = new float[0];

    /**
     * The biases of a forward call: b, checked for out biases from bOff, or, when b is null, zeros to add
     * in their place (then from offset 0), so that the backends always add a bias and need no case for
     * none. Adding +0 changes no bit of a sum that is not -0, and the sums start at +0.
     */
    private synchronized float[] biasesOrZeros(float[] b, int bOff, int out) {
        if (b != null) {
            check("b", b, bOff, out);
            return b;
        }
        if (zeroBiases.length < out) {
            zeroBiases = new float[out];
        }
        return zeroBiases;
    }

    /** Checks an element range [from, to) of an element-wise kernel's two or three arrays (c may be null). */
    private static void elements(int from, int to, float[] a, float[] b, float[] c) {
        if (from < 0 || from > to) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + to + ")");
        }
        check("first array", a, 0, to);
        check("second array", b, 0, to);
        if (c != null) {
            check("third array", c, 0, to);
        }
    }

    private static void range(String what, int from, int to, long size) {
        if (from < 0 || from > to || to > size) {
            throw new IndexOutOfBoundsException(what + " [" + from + ", " + to + ") outside [0, " + size + ")");
        }
    }

    @Override
    public final synchronized void linearForwardRows(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                                     int n, int in, int out, int r0, int r1) {
        dims(n, in, out);
        range("rows", r0, r1, n);
        check("y", y, 0, (long) n * out);
        check("x", x, 0, (long) n * in);
        check("w", w, wOff, (long) out * in);
        float[] bias = biasesOrZeros(b, bOff, out);
        int biasOff = b == null ? 0 : bOff;
        float[] packed = packForward(w, wOff, n, in, out);
        for (int f = r0; f < r1; f += ROW_STEP) {     // in slices, as parallel() does; no task object
            forwardRows(y, x, 0, w, wOff, packed, bias, biasOff, f, Math.min(r1, f + ROW_STEP), in, out);
        }
    }

    @Override
    public final void linearInputGradRows(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out,
                                          int r0, int r1) {
        dims(n, in, out);
        range("rows", r0, r1, n);
        check("dx", dx, 0, (long) n * in);
        check("dy", dy, 0, (long) n * out);
        check("w", w, wOff, (long) out * in);
        if (out == 0) {
            java.util.Arrays.fill(dx, r0 * in, r1 * in, 0f);
        }
        for (int f = r0; f < r1; f += ROW_STEP) {
            broadcastGemm(dx, 0, in, dy, 0, out, 1, w, wOff, in, f, Math.min(r1, f + ROW_STEP), 0, out, 0, in, true);
        }
    }

    @Override
    public final void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff,
                                          int out, int r0, int r1) {
        Objects.requireNonNull(x, "x");
        sparseForwardReady(x, out);
        range("rows", r0, r1, x.rows());
        sparseForwardRange(y, x, wp, wpOff, b, bOff, out, 0, out, r0, r1);
    }

    /** The checks of a sparse forward before its range's: out whole panels, the batch's rows set. */
    private void sparseForwardReady(SparseBatch x, int out) {
        dims(out);
        checkPanels(out);
        if (!x.rowsReady()) {
            throw new IllegalStateException("sparse batch rows not set");
        }
    }

    /** Outputs [o0, o1) (whole panels) of rows [r0, r1) of the sparse forward, once its ranges are checked. */
    private void sparseForwardRange(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out,
                                    int o0, int o1, int r0, int r1) {
        int n = x.rows(), in = x.cols(), pw = sparsePanel();
        check("y", y, 0, (long) n * out);
        check("wp", wp, wpOff, (long) in * out);
        float[] bias = biasesOrZeros(b, bOff, out);
        int biasOff = b == null ? 0 : bOff;
        sparseForwardPanels(y, x, wp, wpOff, bias, biasOff, o0 / pw, o1 / pw, out, r0, r1);
    }

    /** Refuses outputs [o0, o1) that are not whole panels. */
    private void wholePanels(int o0, int o1) {
        int pw = sparsePanel();
        if (o0 % pw != 0 || o1 % pw != 0) {
            throw new IllegalArgumentException("outputs [" + o0 + ", " + o1 + ") are not whole panels of " + pw);
        }
    }

    @Override
    public final void softmaxRows(float[] a, float[] z, int n, int k, int r0, int r1) {
        dims(n, k);
        range("rows", r0, r1, n);
        check("a", a, 0, (long) n * k);
        check("z", z, 0, (long) n * k);
        for (int f = r0; f < r1; f += ROW_BLOCK) {
            softmaxRange(a, z, f, Math.min(r1, f + ROW_BLOCK), k);
        }
    }

    @Override
    public final void sparseLinearForwardOutputs(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff,
                                                 int out, int o0, int o1) {
        Objects.requireNonNull(x, "x");
        sparseForwardReady(x, out);
        range("outputs", o0, o1, out);
        wholePanels(o0, o1);
        sparseForwardRange(y, x, wp, wpOff, b, bOff, out, o0, o1, 0, x.rows());
    }

    @Override
    public final void softmaxRowsWithLoss(float[] a, double[] loss, float[] z, float[] y, int n, int k, int r0, int r1) {
        dims(n, k);
        range("rows", r0, r1, n);
        check("a", a, 0, (long) n * k);
        check("z", z, 0, (long) n * k);
        check("y", y, 0, (long) n * k);
        if (loss.length < n) {
            throw new IndexOutOfBoundsException("loss of " + loss.length + " rows for " + n);
        }
        softmaxLossRange(a, loss, z, y, r0, r1, k);
    }

    /**
     * {@link #softmaxRowsWithLoss} of rows [r0, r1): here the two kernels one after the other; a backend
     * may do both in one pass, with the same bits.
     */
    protected void softmaxLossRange(float[] a, double[] loss, float[] z, float[] y, int r0, int r1, int k) {
        softmaxRange(a, z, r0, r1, k);
        for (int r = r0; r < r1; r++) {
            loss[r] = softmaxCeRows(z, y, r, r + 1, k);   // 0.0 + the row's term, as the whole sum adds it
        }
    }

    /** {@link Kernels#sumRowLosses}: rows in blocks of ROW_BLOCK from 0.0, then the blocks' sums from 0.0, as {@link #blocked} adds them. */
    static double sumRowLosses(double[] loss, int n) {
        if (n <= ROW_BLOCK) {
            double s = 0;
            for (int r = 0; r < n; r++) {
                s += loss[r];
            }
            return s;
        }
        double total = 0;
        for (int b0 = 0; b0 < n; b0 += ROW_BLOCK) {
            double s = 0;
            for (int r = b0, end = Math.min(n, b0 + ROW_BLOCK); r < end; r++) {
                s += loss[r];
            }
            total += s;
        }
        return total;
    }

    @Override
    public final void relu(float[] a, float[] z, int from, int to) {
        elements(from, to, a, z, null);
        for (int f = from; f < to; f += ELEMENT_STEP) {
            reluRange(a, z, f, Math.min(to, f + ELEMENT_STEP));
        }
    }

    @Override
    public final void reluBackward(float[] dz, float[] da, float[] a, int from, int to) {
        elements(from, to, dz, da, a);
        for (int f = from; f < to; f += ELEMENT_STEP) {
            reluBackwardRange(dz, da, a, f, Math.min(to, f + ELEMENT_STEP));
        }
    }

    @Override
    public final void sigmoid(float[] a, float[] z, int from, int to) {
        elements(from, to, a, z, null);
        for (int f = from; f < to; f += ELEMENT_STEP) {
            sigmoidRange(a, z, f, Math.min(to, f + ELEMENT_STEP));
        }
    }

    @Override
    public final void sigmoidBackward(float[] dz, float[] da, float[] a, int from, int to) {
        elements(from, to, dz, da, a);
        for (int f = from; f < to; f += ELEMENT_STEP) {
            sigmoidBackwardRange(dz, da, a, f, Math.min(to, f + ELEMENT_STEP));
        }
    }

    @Override
    public final void subtract(float[] out, float[] a, float[] b, int from, int to) {
        elements(from, to, out, a, b);
        for (int f = from; f < to; f += ELEMENT_STEP) {
            subtractRange(out, a, b, f, Math.min(to, f + ELEMENT_STEP));
        }
    }

    @Override
    public final void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff,
                                       int n, int in, int out, float scale, int o0, int o1) {
        dims(n, in, out);
        range("outputs", o0, o1, out);
        check("dw", dw, dwOff, (long) out * in);
        check("dy", dy, 0, (long) n * out);
        check("x", x, xOff, (long) n * in);
        weightGrad(dw, dwOff, dy, x, xOff, 0, n, in, out, o0, o1, 0, in);
        scaleRows(dw, dwOff, in, o0, o1, 0, in, scale);
    }

    @Override
    public final synchronized void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale,
                                                  int o0, int o1) {
        dims(n, out);
        range("outputs", o0, o1, out);
        check("db", db, dbOff, out);
        check("dy", dy, 0, (long) n * out);
        biasGrad(db, dbOff, dy, n, out, scale, o0, o1, false);
    }

    @Override
    public final void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out, float scale,
                                       int o0, int o1) {
        int n = x.rows(), in = x.cols(), pw = sparsePanel();
        dims(out);
        checkPanels(out);
        sparseReady(x);
        range("outputs", o0, o1, out);
        wholePanels(o0, o1);
        check("dwp", dwp, dwpOff, (long) in * out);
        check("dy", dy, 0, (long) n * out);
        sparseGradPanels(dwp, dwpOff, x, dy, o0 / pw, o1 / pw, 0, x.cols(), out, scale);
    }

    // ---- 2-D convolution as a GEMM over an unrolled input (im2col), and 2x2 max-pooling -----------------
    //
    // Activations are channels-last, (n, height, width, channels). The unrolled input cols has one row per
    // sample and output position, holding the window under it in (u, v, channel) order, zeros outside the
    // image: then the convolution is linearForward over those rows, and its gradients are linearInputGrad
    // (then col2im) and linearWeightGrad, the backend's fastest kernels. Moving data, these two are the
    // same code for both backends (System.arraycopy of runs of kernel · channels floats).

    private static void checkConv(ConvShape s, int n) {
        java.util.Objects.requireNonNull(s, "shape");
        if (n < 0) {
            throw new IllegalArgumentException("negative sample count " + n);
        }
    }

    @Override
    public final void im2col(float[] cols, float[] x, ConvShape s, int n, int r0, int r1) {
        checkConv(s, n);
        range("samples", r0, r1, n);
        check("cols", cols, 0, (long) n * s.positions() * s.terms());
        check("x", x, 0, (long) n * s.inSize());
        int k = s.kernel(), pad = s.pad(), h = s.height(), w = s.width(), c = s.in();
        int oh = s.outHeight(), ow = s.outWidth(), terms = s.terms(), run = k * c;
        for (int i = r0; i < r1; i++) {
            int xOff = i * s.inSize();
            for (int r = 0; r < oh; r++) {
                for (int col = 0; col < ow; col++) {
                    int dst = ((i * oh + r) * ow + col) * terms;
                    int v0 = Math.max(0, pad - col), v1 = Math.min(k, w + pad - col);   // kernel columns inside
                    for (int u = 0; u < k; u++) {
                        int xr = r + u - pad, d = dst + u * run;
                        if (xr < 0 || xr >= h || v0 >= v1) {
                            java.util.Arrays.fill(cols, d, d + run, 0f);
                            continue;
                        }
                        int from = d + v0 * c, to = d + v1 * c, src = xOff + (xr * w + col + v0 - pad) * c - from;
                        // short runs (a few channels) by hand: the calls would cost more than the copying
                        for (int j = d; j < from; j++) {
                            cols[j] = 0f;
                        }
                        if (to - from >= 32) {
                            System.arraycopy(x, src + from, cols, from, to - from);
                        } else {
                            for (int j = from; j < to; j++) {
                                cols[j] = x[src + j];
                            }
                        }
                        for (int j = to; j < d + run; j++) {
                            cols[j] = 0f;
                        }
                    }
                }
            }
        }
    }

    @Override
    public final void col2im(float[] dx, float[] dcols, ConvShape s, int n, int r0, int r1) {
        checkConv(s, n);
        range("samples", r0, r1, n);
        check("dcols", dcols, 0, (long) n * s.positions() * s.terms());
        check("dx", dx, 0, (long) n * s.inSize());
        int k = s.kernel(), pad = s.pad(), h = s.height(), w = s.width(), c = s.in();
        int oh = s.outHeight(), ow = s.outWidth(), terms = s.terms(), run = k * c;
        java.util.Arrays.fill(dx, r0 * s.inSize(), r1 * s.inSize(), 0f);
        for (int i = r0; i < r1; i++) {
            int xOff = i * s.inSize();
            for (int r = 0; r < oh; r++) {
                for (int col = 0; col < ow; col++) {
                    int src = ((i * oh + r) * ow + col) * terms;
                    int v0 = Math.max(0, pad - col), v1 = Math.min(k, w + pad - col);
                    for (int u = 0; u < k; u++) {
                        int xr = r + u - pad;
                        if (xr < 0 || xr >= h || v0 >= v1) {
                            continue;
                        }
                        // positions in row order, then the window in (u, v, channel) order: a fixed order of adds
                        int d = xOff + (xr * w + col + v0 - pad) * c, e = src + u * run + v0 * c, len = (v1 - v0) * c;
                        if (len >= 16) {
                            addTo(dx, d, dcols, e, len);       // the backend's: vectors for SIMD, the same sums
                        } else {
                            for (int j = 0; j < len; j++) {
                                dx[d + j] += dcols[e + j];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public final synchronized void convForward(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                               ConvShape s, int n, int r0, int r1) {
        checkConv(s, n);
        range("samples", r0, r1, n);
        check("y", y, 0, (long) n * s.outSize());
        check("x", x, 0, (long) n * s.inSize());
        check("w", w, wOff, s.weights());
        float[] bias = biasesOrZeros(b, bOff, s.out());
        int biasOff = b == null ? 0 : bOff;
        convForwardSamples(y, x, w, wOff, bias, biasOff, s, r0, r1);
    }

    @Override
    public final synchronized void convWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n,
                                                  float scale, int t0, int t1) {
        checkConv(s, n);
        range("terms", t0, t1, s.terms());
        check("dw", dw, dwOff, s.weights());
        check("dy", dy, 0, (long) n * s.outSize());
        check("x", x, 0, (long) n * s.inSize());
        int terms = s.terms();
        convWeightGradTerms(dw, dwOff, dy, x, s, n, t0, t1);
        if (scale != 1f) {
            for (int o = 0; o < s.out(); o++) {
                scaleRange(dw, dwOff + o * terms + t0, dwOff + o * terms + t1, scale);
            }
        }
    }

    /** Samples [r0, r1) of {@link #convForward}, its arguments checked, b never null (callers hold this object's lock). */
    protected abstract void convForwardSamples(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                               ConvShape s, int r0, int r1);

    /**
     * Terms [t0, t1) of {@link #convWeightGrad} before the scaling (callers hold this object's lock):
     * dw[o][t] = the chain over positions in order (0 for no samples).
     */
    protected abstract void convWeightGradTerms(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n,
                                                int t0, int t1);

    /** Where term t (u, v, channel) of a window is, from the window's first pixel, in rows of wp pixels. */
    protected static int termOffset(ConvShape s, int wp, int t) {
        int cin = s.in(), k = s.kernel();
        int u = t / (k * cin), v = t / cin % k, ch = t % cin;
        return (u * wp + v) * cin + ch;
    }

    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * Sample i of x with the convolution's padding made real: (height + 2·pad, width + 2·pad, in), zeros
     * around, in this thread's scratch (valid until its next call). Then every window is inside, and a
     * term outside the image adds 0 to its chain, which changes no bit (the chains start at +0, and
     * never come back to -0): the direct kernels need no edge cases.
     */
    protected static float[] paddedSample(float[] x, ConvShape s, int i) {
        int pad = s.pad(), cin = s.in(), h = s.height(), w = s.width(), wp = w + 2 * pad;
        int size = (h + 2 * pad) * wp * cin;
        float[][] holder = PADDED.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        float[] xp = holder[0];
        if (pad > 0) {
            java.util.Arrays.fill(xp, 0, size, 0f);
        }
        for (int r = 0; r < h; r++) {
            System.arraycopy(x, (i * h + r) * w * cin, xp, ((r + pad) * wp + pad) * cin, w * cin);
        }
        return xp;
    }

    @Override
    public final void maxPool2(float[] y, int[] arg, float[] x, int c, int h, int w, int n, int r0, int r1) {
        dims(c, h, w, n);
        range("samples", r0, r1, n);
        int oh = h / 2, ow = w / 2;
        check("y", y, 0, (long) n * c * oh * ow);
        check("x", x, 0, (long) n * c * h * w);
        java.util.Objects.requireNonNull(arg, "arg");
        if ((long) n * c * oh * ow > arg.length) {
            throw new IndexOutOfBoundsException("arg holds " + arg.length + " indices, the pooling needs "
                    + (long) n * c * oh * ow);
        }
        for (int i = r0; i < r1; i++) {
            for (int r = 0; r < oh; r++) {
                for (int col = 0; col < ow; col++) {
                    // the window's four pixels, each a run of c channels; the first maximum in row order wins
                    int a = ((i * h + 2 * r) * w + 2 * col) * c;
                    poolWindow(y, arg, x, a, a + c, a + w * c, a + w * c + c, ((i * oh + r) * ow + col) * c, 0, c);
                }
            }
        }
    }

    /**
     * Channels [ch0, c) of one 2x2 window whose pixels' channels start at a, b, d and e of x (row order):
     * y[out + ch] = the first maximum of the four, arg[out + ch] its index in x. A backend may do the
     * channels in vectors, with the same result.
     */
    protected void poolWindow(float[] y, int[] arg, float[] x, int a, int b, int d, int e, int out, int ch0, int c) {
        for (int ch = ch0; ch < c; ch++) {
            int best = a + ch;
            if (x[b + ch] > x[best]) {
                best = b + ch;
            }
            if (x[d + ch] > x[best]) {
                best = d + ch;
            }
            if (x[e + ch] > x[best]) {
                best = e + ch;
            }
            y[out + ch] = x[best];
            arg[out + ch] = best;
        }
    }

    @Override
    public final void maxPool2Backward(float[] dx, float[] dy, int[] arg, int c, int h, int w, int n, int r0, int r1) {
        dims(c, h, w, n);
        range("samples", r0, r1, n);
        int oh = h / 2, ow = w / 2;
        check("dx", dx, 0, (long) n * c * h * w);
        check("dy", dy, 0, (long) n * c * oh * ow);
        java.util.Arrays.fill(dx, r0 * c * h * w, r1 * c * h * w, 0f);
        for (int o = r0 * c * oh * ow, end = r1 * c * oh * ow; o < end; o++) {
            dx[arg[o]] = dy[o];     // 2x2 windows with stride 2 do not overlap: one gradient per input at most
        }
    }

    // ---- what a backend supplies ---------------------------------------------------------------------

    /**
     * The weights of a forward call rearranged for the backend's tiles, or null to use w as it is. Called
     * once per call, on the calling thread, with this object's lock held; the result is read by every chunk.
     * The choice may depend on the call's shape, never on the thread count.
     */
    protected float[] packForward(float[] w, int wOff, int n, int in, int out) {
        return null;
    }

    /**
     * y rows [r0, r1): y[i][o] = Σ_k x[i][k]·w[o][k] + b[o], each a fixed-order sum independent of tiling
     * and of r0, r1 (b is never null: zeros stand in for no biases); packed is what {@link #packForward}
     * returned for this call.
     */
    protected abstract void forwardRows(float[] y, float[] x, int xOff, float[] w, int wOff, float[] packed,
                                        float[] b, int bOff, int r0, int r1, int in, int out);

    /**
     * C[r][k] += Σ_{t in [t0,t1)} A(r, t) · B[t][k] for r in [r0, r1), k in [k0, k1), with
     * C[r][k] at cOff + r·ldc + k, A(r, t) at aOff + r·aRs + t·aTs, B[t][k] at bOff + t·ldb + k.
     * Each element is one chain of fused multiply-adds in increasing t, whatever the tile it falls in.
     * With {@code zero}, C is not read: the chains start from +0 (as if C had been zero-filled).
     */
    protected abstract void broadcastGemm(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                          float[] b, int bOff, int ldb, int r0, int r1, int t0, int t1,
                                          int k0, int k1, boolean zero);

    /**
     * Panels [p0, p1) of rows [r0, r1) of y = x · wᵀ + b (b never null), w in panels: y[i][o] = (Σ over row i's non-zeros k, in column
     * order, of x[i][k]·w[o][k], one fused multiply-add chain from +0) + b[o].
     */
    protected abstract void sparseForwardPanels(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff,
                                                int p0, int p1, int out, int r0, int r1);

    /**
     * Panels [p0, p1), inputs [k0, k1) of dw = scale · dyᵀ · x, in panels: dw[o][k] = scale · (Σ over column
     * k's non-zeros i, in row order, of x[i][k]·dy[i][o], one fused multiply-add chain from +0).
     */
    protected abstract void sparseGradPanels(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int p0, int p1,
                                             int k0, int k1, int out, float scale);

    /** a[from, to) *= s. */
    protected abstract void scaleRange(float[] a, int from, int to, float s);

    /** acc[accOff + o] += src[off + o] for o below len (one plain add per element). */
    protected abstract void addTo(float[] acc, int accOff, float[] src, int off, int len);

    protected abstract void sigmoidRange(float[] a, float[] z, int from, int to);

    protected abstract void sigmoidBackwardRange(float[] dz, float[] da, float[] a, int from, int to);

    protected abstract void softmaxRange(float[] a, float[] z, int r0, int r1, int k);

    protected abstract void subtractRange(float[] out, float[] a, float[] b, int from, int to);

    protected abstract void sgdRange(float[] w, int wOff, float[] g, int gOff, float lr, int from, int to);

    protected abstract void reluRange(float[] a, float[] z, int from, int to);

    protected abstract void reluBackwardRange(float[] dz, float[] da, float[] a, int from, int to);

    protected abstract void axpyRange(float[] y, int yOff, float[] x, int xOff, float alpha, int from, int to);

    /** Over absolute indices [from, to) of w, v and g. */
    protected abstract void momentumRange(float[] w, float[] v, float[] g, int from, int to, float lr, float momentum);

    /** Over absolute indices [from, to) of w, m, v and g. */
    protected abstract void adamRange(float[] w, float[] m, float[] v, float[] g, int from, int to,
                                      float lr, float beta1, float beta2, float eps, float c1, float c2);

    protected abstract void expRange(float[] out, float[] x, int from, int to);

    protected abstract void logRange(float[] out, float[] x, int from, int to);

    protected abstract double sumBlock(float[] x, int from, int to);

    protected abstract float maxBlock(float[] x, int from, int to);

    protected abstract double dotBlock(float[] a, float[] b, int from, int to);

    protected abstract double bceBlock(float[] z, float[] y, int from, int to);

    /** Σ of the row losses of rows [r0, r1), each row's loss added in double in row order. */
    protected abstract double softmaxCeRows(float[] z, float[] y, int r0, int r1, int k);
}
