package mnist.math.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import mnist.math.Backend;

/**
 * The Vector API kernels. Shapes: x (n, in), w (out, in), y (n, out), all row-major.
 *
 * <p>Forward is in broadcast form on weights packed in panels (from {@link #PACK_MIN_ROWS} rows and two
 * vectors of outputs on), else in dot form (4 rows x 2 outputs of vector accumulators, one lane reduction
 * per output); the weight and input gradients are in broadcast form (6 or 8 rows x 2 vectors of columns
 * in registers, one broadcast and one fused multiply-add per term). The broadcast forms have the same
 * order of operations per element as the scalar twin, and so its bits.
 */
public final class SimdKernels extends AbstractKernels {

    /** The preferred species (16 lanes with AVX-512; fewer under -XX:MaxVectorSize). */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /**
     * Whether the broadcast tiles take 8 rows (16 accumulators) rather than 6 (12): with 16 lanes, on
     * AVX-512, which has 32 vector registers to AVX2's 16. A batch of 128 is then 16 whole tiles.
     */
    private static final boolean TALL = L >= 16;
    /**
     * Where the scratch buffers' vectors start ({@link Kernels#ALIGNED_START}): the sparse weight gradient
     * of 128 x 784 -> 256 ran at 150-160 us with its panel of dy straddling cache lines, 110-115 us aligned.
     */
    private static final int PAD = ALIGNED_START;

    public SimdKernels(int threads) {
        super(threads, "simd");
    }

    @Override
    protected AbstractKernels oneThread() {
        return new SimdKernels(1);
    }

    @Override
    public Backend backend() {
        return Backend.SIMD;
    }

    // xor-partner shuffles of the pairwise lane sum (only those below L exist)
    private static final VectorShuffle<Float> X1 = VectorShuffle.fromOp(SPECIES, i -> i ^ 1);
    private static final VectorShuffle<Float> X2 = L >= 4 ? VectorShuffle.fromOp(SPECIES, i -> i ^ 2) : null;
    private static final VectorShuffle<Float> X4 = L >= 8 ? VectorShuffle.fromOp(SPECIES, i -> i ^ 4) : null;
    private static final VectorShuffle<Float> X8 = L >= 16 ? VectorShuffle.fromOp(SPECIES, i -> i ^ 8) : null;

    /**
     * The sum of the L lanes stored at lanes[off..], in a fixed pairwise order. Not reduceLanes(ADD): its order is unspecified
     * and does differ between the interpreter (sequential) and C2 (a tree, at least for 4 lanes),
     * which broke bit-identical results across calls. Lane-wise adds and shuffles are exact
     * operations, so this gives the same bits in every JIT tier.
     */
    private static float sumLanes(float[] lanes, int off) {
        for (int h = L / 2; h >= 1; h /= 2) {   // lane i += lane i + h: the tree of v + v.rearrange(i ^ h)
            for (int i = 0; i < h; i++) {
                lanes[off + i] += lanes[off + i + h];
            }
        }
        return lanes[off];
    }

    /**
     * Per thread: room for the lanes of 8 vectors, for {@link #sumLanes}. The accumulators are stored
     * there in the kernel itself: a vector handed to a method that C2 does not inline is boxed.
     */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[8 * L]);

    // ---- GEMM --------------------------------------------------------------------------------------

    /** s plus the scalar tail k in [kb, in) of the dot product, in k order. */
    private static float tail(float s, float[] x, int xRow, float[] w, int wRow, int kb, int in) {
        for (int k = kb; k < in; k++) {
            s = Math.fma(x[xRow + k], w[wRow + k], s);
        }
        return s;
    }

    /*
     * Register tiles are sized for 16 vector registers (AVX2; C2 spills beyond), and for 32 with 16 lanes
     * (AVX-512, TALL). The broadcast tiles (packed forward, weight and input gradients) keep 6 rows x 2
     * vectors of columns = 12 accumulators (+ 2 B vectors + 1 broadcast): 8 loads per 12 fused
     * multiply-adds; with 16 lanes 8 rows x 2 vectors, 10 loads per 16. The dot-form forward (used for
     * small batches and out < 2 vectors) keeps 4 rows x 2 outputs. Vectors never cross a method boundary
     * (that would box them).
     */

    // ---- sparse inputs: the first layer, visiting only the non-zero pixels ----------------------------
    // The weights are in panels of SP = 4 vectors of outputs (see Kernels.packPanels): the weights of one
    // input for a panel are one contiguous run, and a panel's weights one contiguous block.
    // - the forward goes through x by row: for two rows at a time (eight chains, for both FMA units), each
    //   non-zero's run of the panel's weights, a load and an fma per vector (the panel, 200 KB with 16
    //   lanes, is read from L2: a run straddling cache lines doubles that traffic, see ALIGNED_START);
    // - the weight gradient goes through x by column (input), each input's non-zeros in row order: it keeps
    //   dw of two inputs in registers (eight chains) and reads the rows of a panel of dy kept contiguous
    //   (n x SP, in L1). Going through x by column, the forward would store a vector of y per non-zero:
    //   as fast at best, slower in most runs.
    // Each output is still one chain of fused multiply-adds over its non-zeros in order, as in the
    // scalar twin and in the dense forward and weight gradient: all give the same bits. Per-thread
    // scratch panels: nothing is allocated once they have grown to the batch.

    /** Outputs per panel of the sparse kernels' weights. */
    private static final int SP = 4 * L;

    @Override
    public int sparsePanel() {
        return SP;
    }

    /** Per thread: one panel of y or dy, (n, SP) contiguous. */
    private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] panelScratch(int n) {
        float[][] holder = PANEL.get();
        if (holder[0].length < PAD + n * SP) {
            holder[0] = new float[PAD + n * SP];
        }
        return holder[0];
    }

    @Override
    protected void sparseForwardPanels(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff,
                                       int p0, int p1, int out, int r0, int r1) {
        int in = x.cols(), r2 = r0 + ((r1 - r0) & ~1);
        for (int p = p0; p < p1; p++) {
            int base = wpOff + p * in * SP, o = p * SP;
            for (int i = r0; i < r2; i += 2) {
                sparseForward2Rows(y, x, wp, base, b, bOff, i, o, out);
            }
            if (r2 < r1) {
                sparseForwardRow(y, x, wp, base, b, bOff, r2, o, out);
            }
        }
    }

    /** y rows i and i + 1, outputs [o, o + SP): the rows' non-zeros in lockstep, then the rest of each. */
    private static void sparseForward2Rows(float[] y, SparseBatch x, float[] wp, int base, float[] b, int bOff,
                                           int i, int o, int out) {
        int[] start = x.rowStart(), col = x.rowCol();
        float[] val = x.rowValue();
        int a0 = start[i], a1 = start[i + 1], a2 = start[i + 2];
        int common = Math.min(a1 - a0, a2 - a1);
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        for (int j = 0; j < common; j++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[a0 + j]);
            int w = base + col[a0 + j] * SP;
            c00 = v.fma(FloatVector.fromArray(SPECIES, wp, w), c00);
            c01 = v.fma(FloatVector.fromArray(SPECIES, wp, w + L), c01);
            c02 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 2 * L), c02);
            c03 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 3 * L), c03);
            v = FloatVector.broadcast(SPECIES, val[a1 + j]);
            w = base + col[a1 + j] * SP;
            c10 = v.fma(FloatVector.fromArray(SPECIES, wp, w), c10);
            c11 = v.fma(FloatVector.fromArray(SPECIES, wp, w + L), c11);
            c12 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 2 * L), c12);
            c13 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 3 * L), c13);
        }
        for (int e = a0 + common; e < a1; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int w = base + col[e] * SP;
            c00 = v.fma(FloatVector.fromArray(SPECIES, wp, w), c00);
            c01 = v.fma(FloatVector.fromArray(SPECIES, wp, w + L), c01);
            c02 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 2 * L), c02);
            c03 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 3 * L), c03);
        }
        for (int e = a1 + common; e < a2; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int w = base + col[e] * SP;
            c10 = v.fma(FloatVector.fromArray(SPECIES, wp, w), c10);
            c11 = v.fma(FloatVector.fromArray(SPECIES, wp, w + L), c11);
            c12 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 2 * L), c12);
            c13 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 3 * L), c13);
        }
        int y0 = i * out + o, y1 = y0 + out;
        // the biases, loaded here: a helper returning a vector would box it whenever it is not inlined
        FloatVector e0 = FloatVector.fromArray(SPECIES, b, bOff + o);
        FloatVector e1 = FloatVector.fromArray(SPECIES, b, bOff + o + L);
        FloatVector e2 = FloatVector.fromArray(SPECIES, b, bOff + o + 2 * L);
        FloatVector e3 = FloatVector.fromArray(SPECIES, b, bOff + o + 3 * L);
        c00.add(e0).intoArray(y, y0);
        c01.add(e1).intoArray(y, y0 + L);
        c02.add(e2).intoArray(y, y0 + 2 * L);
        c03.add(e3).intoArray(y, y0 + 3 * L);
        c10.add(e0).intoArray(y, y1);
        c11.add(e1).intoArray(y, y1 + L);
        c12.add(e2).intoArray(y, y1 + 2 * L);
        c13.add(e3).intoArray(y, y1 + 3 * L);
    }

    /** One row of y, outputs [o, o + SP) (an odd last row). */
    private static void sparseForwardRow(float[] y, SparseBatch x, float[] wp, int base, float[] b, int bOff,
                                         int i, int o, int out) {
        int[] start = x.rowStart(), col = x.rowCol();
        float[] val = x.rowValue();
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        for (int e = start[i], end = start[i + 1]; e < end; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int w = base + col[e] * SP;
            c0 = v.fma(FloatVector.fromArray(SPECIES, wp, w), c0);
            c1 = v.fma(FloatVector.fromArray(SPECIES, wp, w + L), c1);
            c2 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 2 * L), c2);
            c3 = v.fma(FloatVector.fromArray(SPECIES, wp, w + 3 * L), c3);
        }
        int d = i * out + o;
        c0.add(FloatVector.fromArray(SPECIES, b, bOff + o)).intoArray(y, d);
        c1.add(FloatVector.fromArray(SPECIES, b, bOff + o + L)).intoArray(y, d + L);
        c2.add(FloatVector.fromArray(SPECIES, b, bOff + o + 2 * L)).intoArray(y, d + 2 * L);
        c3.add(FloatVector.fromArray(SPECIES, b, bOff + o + 3 * L)).intoArray(y, d + 3 * L);
    }

    @Override
    protected void sparseGradPanels(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int p0, int p1,
                                    int k0, int k1, int out, float scale) {
        int in = x.cols(), n = x.rows(), k2 = k0 + ((k1 - k0) & ~1);
        if (n > GRAD_ROWS) {
            sparseGradPanelsBlocked(dwp, dwpOff, x, dy, p0, p1, k0, k1, out, scale);
            return;
        }
        float[] dyp = panelScratch(n);
        for (int p = p0; p < p1; p++) {
            int o = p * SP, base = dwpOff + p * in * SP;
            // the panel's columns of dy, contiguous: rows out floats apart would share a few cache sets
            for (int i = 0; i < n; i++) {
                int s = i * out + o, d = PAD + i * SP;
                FloatVector.fromArray(SPECIES, dy, s).intoArray(dyp, d);
                FloatVector.fromArray(SPECIES, dy, s + L).intoArray(dyp, d + L);
                FloatVector.fromArray(SPECIES, dy, s + 2 * L).intoArray(dyp, d + 2 * L);
                FloatVector.fromArray(SPECIES, dy, s + 3 * L).intoArray(dyp, d + 3 * L);
            }
            for (int k = k0; k < k2; k += 2) {
                sparseGrad2Columns(dwp, base, x, dyp, k, scale);
            }
            if (k2 < k1) {
                sparseGradColumn(dwp, base, x, dyp, k2, scale);
            }
        }
    }

    /** Rows of dy per block of the weight gradient of a large batch: a panel of them (256 KB on AVX2) stays in L2. */
    static final int GRAD_ROWS = 2048;

    /** Per thread: where each input's column has got to, for the blocked weight gradient. */
    private static final ThreadLocal<int[][]> CURSORS = ThreadLocal.withInitial(() -> new int[1][0]);

    /**
     * The weight gradient of a batch too large for a panel of dy to stay in cache (the lecture's 60,000
     * rows): in blocks of {@link #GRAD_ROWS} rows, each input's chain continuing from the block before
     * (kept in dw, unscaled) and scaled after the last. The same operations in the same order as
     * unblocked, so the same bits.
     */
    private static void sparseGradPanelsBlocked(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int p0, int p1,
                                                int k0, int k1, int out, float scale) {
        int in = x.cols(), n = x.rows();
        float[] dyp = panelScratch(GRAD_ROWS);
        int[][] holder = CURSORS.get();
        if (holder[0].length < in) {
            holder[0] = new int[in];
        }
        int[] cursor = holder[0];
        for (int p = p0; p < p1; p++) {
            int o = p * SP, base = dwpOff + p * in * SP;
            System.arraycopy(x.colStart(), 0, cursor, 0, in);
            for (int r0 = 0; r0 < n; r0 += GRAD_ROWS) {
                int r1 = Math.min(n, r0 + GRAD_ROWS);
                for (int i = r0; i < r1; i++) {
                    int src = i * out + o, d = PAD + (i - r0) * SP;
                    FloatVector.fromArray(SPECIES, dy, src).intoArray(dyp, d);
                    FloatVector.fromArray(SPECIES, dy, src + L).intoArray(dyp, d + L);
                    FloatVector.fromArray(SPECIES, dy, src + 2 * L).intoArray(dyp, d + 2 * L);
                    FloatVector.fromArray(SPECIES, dy, src + 3 * L).intoArray(dyp, d + 3 * L);
                }
                for (int k = k0; k < k1; k++) {
                    sparseGradColumnBlock(dwp, base + k * SP, x, dyp, k, cursor, r0, r1, r0 == 0, r1 == n, scale);
                }
            }
        }
    }

    /** Column k's non-zeros in rows [r0, r1) (from cursor[k] on) added to its chains, kept in dwp[d..d+SP). */
    private static void sparseGradColumnBlock(float[] dwp, int d, SparseBatch x, float[] dyp, int k, int[] cursor,
                                              int r0, int r1, boolean first, boolean last, float scale) {
        int[] start = x.colStart(), row = x.colRow();
        float[] val = x.colValue();
        int e = cursor[k], end = start[k + 1];
        if (e == end || row[e] >= r1) {   // nothing in this block
            if (first) {
                java.util.Arrays.fill(dwp, d, d + SP, 0f);
            } else if (last) {
                scaleRun(dwp, d, SP, scale);
            }
            return;
        }
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c0 = first ? zero : FloatVector.fromArray(SPECIES, dwp, d);
        FloatVector c1 = first ? zero : FloatVector.fromArray(SPECIES, dwp, d + L);
        FloatVector c2 = first ? zero : FloatVector.fromArray(SPECIES, dwp, d + 2 * L);
        FloatVector c3 = first ? zero : FloatVector.fromArray(SPECIES, dwp, d + 3 * L);
        for (; e < end && row[e] < r1; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int g = PAD + (row[e] - r0) * SP;
            c0 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c0);
            c1 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c1);
            c2 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c2);
            c3 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c3);
        }
        cursor[k] = e;
        if (last) {
            c0 = c0.mul(scale);
            c1 = c1.mul(scale);
            c2 = c2.mul(scale);
            c3 = c3.mul(scale);
        }
        c0.intoArray(dwp, d);
        c1.intoArray(dwp, d + L);
        c2.intoArray(dwp, d + 2 * L);
        c3.intoArray(dwp, d + 3 * L);
    }

    private static void scaleRun(float[] a, int from, int len, float s) {
        for (int i = from; i < from + len; i++) {
            a[i] *= s;
        }
    }

    /** dw inputs k and k + 1 of one panel: the two columns' non-zeros in lockstep, then the rest of each. */
    private static void sparseGrad2Columns(float[] dwp, int base, SparseBatch x, float[] dyp, int k, float scale) {
        int[] start = x.colStart(), row = x.colRow();
        float[] val = x.colValue();
        int a0 = start[k], a1 = start[k + 1], a2 = start[k + 2];
        int common = Math.min(a1 - a0, a2 - a1);
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        for (int j = 0; j < common; j++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[a0 + j]);
            int g = PAD + row[a0 + j] * SP;
            c00 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c00);
            c01 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c01);
            c02 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c02);
            c03 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c03);
            v = FloatVector.broadcast(SPECIES, val[a1 + j]);
            g = PAD + row[a1 + j] * SP;
            c10 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c10);
            c11 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c11);
            c12 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c12);
            c13 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c13);
        }
        for (int e = a0 + common; e < a1; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int g = PAD + row[e] * SP;
            c00 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c00);
            c01 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c01);
            c02 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c02);
            c03 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c03);
        }
        for (int e = a1 + common; e < a2; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int g = PAD + row[e] * SP;
            c10 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c10);
            c11 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c11);
            c12 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c12);
            c13 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c13);
        }
        int d = base + k * SP;
        c00.mul(scale).intoArray(dwp, d);
        c01.mul(scale).intoArray(dwp, d + L);
        c02.mul(scale).intoArray(dwp, d + 2 * L);
        c03.mul(scale).intoArray(dwp, d + 3 * L);
        c10.mul(scale).intoArray(dwp, d + SP);
        c11.mul(scale).intoArray(dwp, d + SP + L);
        c12.mul(scale).intoArray(dwp, d + SP + 2 * L);
        c13.mul(scale).intoArray(dwp, d + SP + 3 * L);
    }

    /** One input of one panel's dw (an odd last one). */
    private static void sparseGradColumn(float[] dwp, int base, SparseBatch x, float[] dyp, int k, float scale) {
        int[] start = x.colStart(), row = x.colRow();
        float[] val = x.colValue();
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        for (int e = start[k], end = start[k + 1]; e < end; e++) {
            FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
            int g = PAD + row[e] * SP;
            c0 = FloatVector.fromArray(SPECIES, dyp, g).fma(v, c0);
            c1 = FloatVector.fromArray(SPECIES, dyp, g + L).fma(v, c1);
            c2 = FloatVector.fromArray(SPECIES, dyp, g + 2 * L).fma(v, c2);
            c3 = FloatVector.fromArray(SPECIES, dyp, g + 3 * L).fma(v, c3);
        }
        int d = base + k * SP;
        c0.mul(scale).intoArray(dwp, d);
        c1.mul(scale).intoArray(dwp, d + L);
        c2.mul(scale).intoArray(dwp, d + 2 * L);
        c3.mul(scale).intoArray(dwp, d + 3 * L);
    }

    /** The forward packs w from this many rows on (below, packing would cost more than it saves). */
    static final int PACK_MIN_ROWS = 48;
    /** Columns (outputs) per packed panel: two vectors. */
    private static final int P = 2 * L;

    /**
     * wᵀ in panels of P outputs, each panel k-major: packed[(p·in + k)·P + j] = w[o = p·P + j][k], zero
     * for o beyond out. Then a tile of y is a broadcast GEMM: one x element times two contiguous vectors.
     */
    /** Whether the forward of n rows, in → out packs w (else it runs in dot form, lanes summed per output). */
    static boolean packsForward(int n, int in, int out) {
        return n >= PACK_MIN_ROWS && out >= P && in > 0;
    }

    @Override
    protected float[] packForward(float[] w, int wOff, int n, int in, int out) {
        if (!packsForward(n, in, out)) {
            return null;
        }
        int panels = (out + P - 1) / P;
        float[] packed = packScratch(PAD + (long) panels * in * P);
        for (int p = 0; p < panels; p++) {
            int o0 = p * P, valid = Math.min(P, out - o0), base = PAD + p * in * P;
            for (int j = 0; j < P; j++) {
                int dst = base + j;
                if (j < valid) {
                    int src = wOff + (o0 + j) * in;
                    for (int k = 0; k < in; k++) {
                        packed[dst + k * P] = w[src + k];
                    }
                } else {
                    for (int k = 0; k < in; k++) {
                        packed[dst + k * P] = 0f;
                    }
                }
            }
        }
        return packed;
    }

    @Override
    protected void forwardRows(float[] y, float[] x, int xOff, float[] w, int wOff, float[] packed,
                               float[] b, int bOff, int r0, int r1, int in, int out) {
        if (packed != null) {
            forwardPacked(y, x, xOff, packed, b, bOff, r0, r1, in, out);
        } else {
            forwardDot(y, x, xOff, w, wOff, b, bOff, r0, r1, in, out);
        }
    }

    /**
     * The packed forward: y[i][o] = (Σ_k in order, one fused multiply-add chain from +0) + b[o], which is
     * also the scalar twin's order, so the two agree bit for bit.
     */
    private static void forwardPacked(float[] y, float[] x, int xOff, float[] packed, float[] b, int bOff,
                                      int r0, int r1, int in, int out) {
        int panels = (out + P - 1) / P;
        int i = r0;
        if (TALL) {
            for (; i + 8 <= r1; i += 8) {
                for (int p = 0; p < panels; p++) {
                    forwardPacked8(y, x, xOff, packed, b, bOff, i, p, in, out);
                }
            }
        }
        for (; i + 6 <= r1; i += 6) {
            int x0 = xOff + i * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in, x4 = x3 + in, x5 = x4 + in;
            for (int p = 0; p < panels; p++) {
                int base = PAD + p * in * P;
                FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
                FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
                for (int k = 0; k < in; k++) {
                    int pk = base + k * P;
                    FloatVector b0 = FloatVector.fromArray(SPECIES, packed, pk);
                    FloatVector b1 = FloatVector.fromArray(SPECIES, packed, pk + L);
                    FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + k]);
                    c00 = v.fma(b0, c00);
                    c01 = v.fma(b1, c01);
                    v = FloatVector.broadcast(SPECIES, x[x1 + k]);
                    c10 = v.fma(b0, c10);
                    c11 = v.fma(b1, c11);
                    v = FloatVector.broadcast(SPECIES, x[x2 + k]);
                    c20 = v.fma(b0, c20);
                    c21 = v.fma(b1, c21);
                    v = FloatVector.broadcast(SPECIES, x[x3 + k]);
                    c30 = v.fma(b0, c30);
                    c31 = v.fma(b1, c31);
                    v = FloatVector.broadcast(SPECIES, x[x4 + k]);
                    c40 = v.fma(b0, c40);
                    c41 = v.fma(b1, c41);
                    v = FloatVector.broadcast(SPECIES, x[x5 + k]);
                    c50 = v.fma(b0, c50);
                    c51 = v.fma(b1, c51);
                }
                int o0 = p * P, y0 = i * out + o0;
                if (o0 + P <= out) {
                    FloatVector e0 = FloatVector.fromArray(SPECIES, b, bOff + o0);
                    FloatVector e1 = FloatVector.fromArray(SPECIES, b, bOff + o0 + L);
                    c00.add(e0).intoArray(y, y0);
                    c01.add(e1).intoArray(y, y0 + L);
                    c10.add(e0).intoArray(y, y0 + out);
                    c11.add(e1).intoArray(y, y0 + out + L);
                    c20.add(e0).intoArray(y, y0 + 2 * out);
                    c21.add(e1).intoArray(y, y0 + 2 * out + L);
                    c30.add(e0).intoArray(y, y0 + 3 * out);
                    c31.add(e1).intoArray(y, y0 + 3 * out + L);
                    c40.add(e0).intoArray(y, y0 + 4 * out);
                    c41.add(e1).intoArray(y, y0 + 4 * out + L);
                    c50.add(e0).intoArray(y, y0 + 5 * out);
                    c51.add(e1).intoArray(y, y0 + 5 * out + L);
                } else {
                    VectorMask<Float> m0 = SPECIES.indexInRange(o0, out), m1 = SPECIES.indexInRange(o0 + L, out);
                    FloatVector e0 = FloatVector.fromArray(SPECIES, b, bOff + o0, m0);
                    FloatVector e1 = FloatVector.fromArray(SPECIES, b, bOff + o0 + L, m1);
                    c00.add(e0).intoArray(y, y0, m0);
                    c01.add(e1).intoArray(y, y0 + L, m1);
                    c10.add(e0).intoArray(y, y0 + out, m0);
                    c11.add(e1).intoArray(y, y0 + out + L, m1);
                    c20.add(e0).intoArray(y, y0 + 2 * out, m0);
                    c21.add(e1).intoArray(y, y0 + 2 * out + L, m1);
                    c30.add(e0).intoArray(y, y0 + 3 * out, m0);
                    c31.add(e1).intoArray(y, y0 + 3 * out + L, m1);
                    c40.add(e0).intoArray(y, y0 + 4 * out, m0);
                    c41.add(e1).intoArray(y, y0 + 4 * out + L, m1);
                    c50.add(e0).intoArray(y, y0 + 5 * out, m0);
                    c51.add(e1).intoArray(y, y0 + 5 * out + L, m1);
                }
            }
        }
        for (; i < r1; i++) {
            for (int p = 0; p < panels; p++) {
                forwardPackedRow(y, x, xOff, packed, b, bOff, i, p, in, out);
            }
        }
    }


    /**
     * Rows [i, i + 8) of the packed forward, panel p: 8 rows x 2 vectors = 16 accumulators, for machines
     * with 32 vector registers (AVX-512), where it runs without the 6-row tile's leftover rows for a
     * batch of 128 (a 2-chain row tail is bound by the fused multiply-add's latency).
     */
    private static void forwardPacked8(float[] y, float[] x, int xOff, float[] packed, float[] b, int bOff,
                                       int i, int p, int in, int out) {
        int x0 = xOff + i * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in, x4 = x3 + in, x5 = x4 + in;
        int x6 = x5 + in, x7 = x6 + in;
        int base = PAD + p * in * P;
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int k = 0; k < in; k++) {
            int pk = base + k * P;
            FloatVector b0 = FloatVector.fromArray(SPECIES, packed, pk);
            FloatVector b1 = FloatVector.fromArray(SPECIES, packed, pk + L);
            FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + k]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(SPECIES, x[x1 + k]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(SPECIES, x[x2 + k]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(SPECIES, x[x3 + k]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(SPECIES, x[x4 + k]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(SPECIES, x[x5 + k]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(SPECIES, x[x6 + k]);
            c60 = v.fma(b0, c60);
            c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(SPECIES, x[x7 + k]);
            c70 = v.fma(b0, c70);
            c71 = v.fma(b1, c71);
        }
        int o0 = p * P, y0 = i * out + o0;
        if (o0 + P <= out) {
            FloatVector e0 = FloatVector.fromArray(SPECIES, b, bOff + o0);
            FloatVector e1 = FloatVector.fromArray(SPECIES, b, bOff + o0 + L);
            c00.add(e0).intoArray(y, y0);
            c01.add(e1).intoArray(y, y0 + L);
            c10.add(e0).intoArray(y, y0 + out);
            c11.add(e1).intoArray(y, y0 + out + L);
            c20.add(e0).intoArray(y, y0 + 2 * out);
            c21.add(e1).intoArray(y, y0 + 2 * out + L);
            c30.add(e0).intoArray(y, y0 + 3 * out);
            c31.add(e1).intoArray(y, y0 + 3 * out + L);
            c40.add(e0).intoArray(y, y0 + 4 * out);
            c41.add(e1).intoArray(y, y0 + 4 * out + L);
            c50.add(e0).intoArray(y, y0 + 5 * out);
            c51.add(e1).intoArray(y, y0 + 5 * out + L);
            c60.add(e0).intoArray(y, y0 + 6 * out);
            c61.add(e1).intoArray(y, y0 + 6 * out + L);
            c70.add(e0).intoArray(y, y0 + 7 * out);
            c71.add(e1).intoArray(y, y0 + 7 * out + L);
        } else {
            VectorMask<Float> m0 = SPECIES.indexInRange(o0, out), m1 = SPECIES.indexInRange(o0 + L, out);
            FloatVector e0 = FloatVector.fromArray(SPECIES, b, bOff + o0, m0);
            FloatVector e1 = FloatVector.fromArray(SPECIES, b, bOff + o0 + L, m1);
            c00.add(e0).intoArray(y, y0, m0);
            c01.add(e1).intoArray(y, y0 + L, m1);
            c10.add(e0).intoArray(y, y0 + out, m0);
            c11.add(e1).intoArray(y, y0 + out + L, m1);
            c20.add(e0).intoArray(y, y0 + 2 * out, m0);
            c21.add(e1).intoArray(y, y0 + 2 * out + L, m1);
            c30.add(e0).intoArray(y, y0 + 3 * out, m0);
            c31.add(e1).intoArray(y, y0 + 3 * out + L, m1);
            c40.add(e0).intoArray(y, y0 + 4 * out, m0);
            c41.add(e1).intoArray(y, y0 + 4 * out + L, m1);
            c50.add(e0).intoArray(y, y0 + 5 * out, m0);
            c51.add(e1).intoArray(y, y0 + 5 * out + L, m1);
            c60.add(e0).intoArray(y, y0 + 6 * out, m0);
            c61.add(e1).intoArray(y, y0 + 6 * out + L, m1);
            c70.add(e0).intoArray(y, y0 + 7 * out, m0);
            c71.add(e1).intoArray(y, y0 + 7 * out + L, m1);
        }
    }

    /**
     * Row i of the packed forward, panel p: the rows after the groups of 6. A method of its own, like every
     * tail: compiled from calls in which it runs, and without masked vector operations where the panel
     * is whole (masked stores are not intrinsified everywhere, and then box: 14 KB a 2-thread step). A
     * 4-row tile here ran at a fifth of the speed in training (C2 ran out of registers compiling it).
     */
    private static void forwardPackedRow(float[] y, float[] x, int xOff, float[] packed, float[] b, int bOff,
                                         int i, int p, int in, int out) {
        int x0 = xOff + i * in, base = PAD + p * in * P;
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0;
        for (int k = 0; k < in; k++) {
            FloatVector v = FloatVector.broadcast(SPECIES, x[x0 + k]);
            c0 = v.fma(FloatVector.fromArray(SPECIES, packed, base + k * P), c0);
            c1 = v.fma(FloatVector.fromArray(SPECIES, packed, base + k * P + L), c1);
        }
        int o0 = p * P, y0 = i * out + o0;
        if (o0 + P <= out) {
            c0.add(FloatVector.fromArray(SPECIES, b, bOff + o0)).intoArray(y, y0);
            c1.add(FloatVector.fromArray(SPECIES, b, bOff + o0 + L)).intoArray(y, y0 + L);
        } else {
            VectorMask<Float> m0 = SPECIES.indexInRange(o0, out), m1 = SPECIES.indexInRange(o0 + L, out);
            c0.add(FloatVector.fromArray(SPECIES, b, bOff + o0, m0)).intoArray(y, y0, m0);
            c1.add(FloatVector.fromArray(SPECIES, b, bOff + o0 + L, m1)).intoArray(y, y0 + L, m1);
        }
    }


    /** The dot-form forward: 4 rows x 2 outputs of vector accumulators over k, lanes summed in a fixed order. */
    private static void forwardDot(float[] y, float[] x, int xOff, float[] w, int wOff, float[] b, int bOff,
                                   int r0, int r1, int in, int out) {
        int kb = SPECIES.loopBound(in);
        float[] lanes = LANES.get();
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            int x0 = xOff + i * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
            int o = 0;
            for (; o + 2 <= out; o += 2) {
                int w0 = wOff + o * in, w1 = w0 + in;
                FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
                FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
                for (int k = 0; k < kb; k += L) {
                    FloatVector b0 = FloatVector.fromArray(SPECIES, w, w0 + k);
                    FloatVector b1 = FloatVector.fromArray(SPECIES, w, w1 + k);
                    FloatVector a = FloatVector.fromArray(SPECIES, x, x0 + k);
                    c00 = a.fma(b0, c00);
                    c01 = a.fma(b1, c01);
                    a = FloatVector.fromArray(SPECIES, x, x1 + k);
                    c10 = a.fma(b0, c10);
                    c11 = a.fma(b1, c11);
                    a = FloatVector.fromArray(SPECIES, x, x2 + k);
                    c20 = a.fma(b0, c20);
                    c21 = a.fma(b1, c21);
                    a = FloatVector.fromArray(SPECIES, x, x3 + k);
                    c30 = a.fma(b0, c30);
                    c31 = a.fma(b1, c31);
                }
                float e0 = b[bOff + o], e1 = b[bOff + o + 1];
                int y0 = i * out + o, y1 = y0 + out, y2 = y1 + out, y3 = y2 + out;
                // the 8 lane sums in registers, in sumLanes' tree: lane i += lane i ^ h for h = L/2 .. 1
                // (the same adds, so the same bits; 8 stores and 120 scalar adds took most of the call)
                if (L >= 16) {
                    c00 = c00.add(c00.rearrange(X8));
                    c01 = c01.add(c01.rearrange(X8));
                    c10 = c10.add(c10.rearrange(X8));
                    c11 = c11.add(c11.rearrange(X8));
                    c20 = c20.add(c20.rearrange(X8));
                    c21 = c21.add(c21.rearrange(X8));
                    c30 = c30.add(c30.rearrange(X8));
                    c31 = c31.add(c31.rearrange(X8));
                }
                if (L >= 8) {
                    c00 = c00.add(c00.rearrange(X4));
                    c01 = c01.add(c01.rearrange(X4));
                    c10 = c10.add(c10.rearrange(X4));
                    c11 = c11.add(c11.rearrange(X4));
                    c20 = c20.add(c20.rearrange(X4));
                    c21 = c21.add(c21.rearrange(X4));
                    c30 = c30.add(c30.rearrange(X4));
                    c31 = c31.add(c31.rearrange(X4));
                }
                if (L >= 4) {
                    c00 = c00.add(c00.rearrange(X2));
                    c01 = c01.add(c01.rearrange(X2));
                    c10 = c10.add(c10.rearrange(X2));
                    c11 = c11.add(c11.rearrange(X2));
                    c20 = c20.add(c20.rearrange(X2));
                    c21 = c21.add(c21.rearrange(X2));
                    c30 = c30.add(c30.rearrange(X2));
                    c31 = c31.add(c31.rearrange(X2));
                }
                c00 = c00.add(c00.rearrange(X1));
                c01 = c01.add(c01.rearrange(X1));
                c10 = c10.add(c10.rearrange(X1));
                c11 = c11.add(c11.rearrange(X1));
                c20 = c20.add(c20.rearrange(X1));
                c21 = c21.add(c21.rearrange(X1));
                c30 = c30.add(c30.rearrange(X1));
                c31 = c31.add(c31.rearrange(X1));
                y[y0] = tail(c00.lane(0), x, x0, w, w0, kb, in) + e0;
                y[y0 + 1] = tail(c01.lane(0), x, x0, w, w1, kb, in) + e1;
                y[y1] = tail(c10.lane(0), x, x1, w, w0, kb, in) + e0;
                y[y1 + 1] = tail(c11.lane(0), x, x1, w, w1, kb, in) + e1;
                y[y2] = tail(c20.lane(0), x, x2, w, w0, kb, in) + e0;
                y[y2 + 1] = tail(c21.lane(0), x, x2, w, w1, kb, in) + e1;
                y[y3] = tail(c30.lane(0), x, x3, w, w0, kb, in) + e0;
                y[y3 + 1] = tail(c31.lane(0), x, x3, w, w1, kb, in) + e1;
            }
            for (; o < out; o++) {
                int w0 = wOff + o * in;
                FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
                for (int k = 0; k < kb; k += L) {
                    FloatVector bk = FloatVector.fromArray(SPECIES, w, w0 + k);
                    c0 = FloatVector.fromArray(SPECIES, x, x0 + k).fma(bk, c0);
                    c1 = FloatVector.fromArray(SPECIES, x, x1 + k).fma(bk, c1);
                    c2 = FloatVector.fromArray(SPECIES, x, x2 + k).fma(bk, c2);
                    c3 = FloatVector.fromArray(SPECIES, x, x3 + k).fma(bk, c3);
                }
                float e = b[bOff + o];
                c0.intoArray(lanes, 0);
                c1.intoArray(lanes, L);
                c2.intoArray(lanes, 2 * L);
                c3.intoArray(lanes, 3 * L);
                y[i * out + o] = tail(sumLanes(lanes, 0), x, x0, w, w0, kb, in) + e;
                y[(i + 1) * out + o] = tail(sumLanes(lanes, L), x, x1, w, w0, kb, in) + e;
                y[(i + 2) * out + o] = tail(sumLanes(lanes, 2 * L), x, x2, w, w0, kb, in) + e;
                y[(i + 3) * out + o] = tail(sumLanes(lanes, 3 * L), x, x3, w, w0, kb, in) + e;
            }
        }
        for (; i < r1; i++) {
            int x0 = xOff + i * in;
            for (int o = 0; o < out; o++) {
                int w0 = wOff + o * in;
                FloatVector c = FloatVector.zero(SPECIES);
                for (int k = 0; k < kb; k += L) {
                    c = FloatVector.fromArray(SPECIES, x, x0 + k).fma(FloatVector.fromArray(SPECIES, w, w0 + k), c);
                }
                c.intoArray(lanes, 0);
                y[i * out + o] = tail(sumLanes(lanes, 0), x, x0, w, w0, kb, in) + b[bOff + o];
            }
        }
    }

    @Override
    protected void broadcastGemm(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                 float[] b, int bOff, int ldb, int r0, int r1, int t0, int t1, int k0, int k1,
                                 boolean zero) {
        int r = r0;
        if (t1 - t0 >= PACK_MIN_TERMS && r1 - r0 >= 4 && k1 - k0 >= P) {
            r = packedGemm(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r0, r1, t0, t1, k0, k1, zero);
        }
        for (; r + 6 <= r1; r += 6) {
            gemmTile6(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r, t0, t1, k0, k1, zero);
        }
        for (; r + 4 <= r1; r += 4) {
            gemmTile4(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r, t0, t1, k0, k1, zero);
        }
        // leftover rows (all of them when there are fewer than 4, e.g. the logistic dw with out = 1):
        // stream the B rows in order, the C row (a few KB) staying in L1
        int kv = k0 + SPECIES.loopBound(k1 - k0);
        for (; r < r1; r++) {
            int a0 = aOff + r * aRs;
            int c0 = cOff + r * ldc;
            if (zero) {
                java.util.Arrays.fill(c, c0 + k0, c0 + k1, 0f);
            }
            for (int t = t0; t < t1; t++) {
                float at = a[a0 + t * aTs];
                FloatVector v = FloatVector.broadcast(SPECIES, at);
                int bt = bOff + t * ldb;
                int k = k0;
                for (; k < kv; k += L) {
                    v.fma(FloatVector.fromArray(SPECIES, b, bt + k), FloatVector.fromArray(SPECIES, c, c0 + k))
                            .intoArray(c, c0 + k);
                }
                for (; k < k1; k++) {
                    c[c0 + k] = Math.fma(at, b[bt + k], c[c0 + k]);
                }
            }
        }
    }

    /** The broadcast GEMM packs its operands from this many terms (t) on. */
    static final int PACK_MIN_TERMS = 32;

    /** Per-thread packing buffers of the broadcast GEMM: [0] the A values of the row groups, [1] a B strip. */
    private static final ThreadLocal<float[][]> GEMM_PACK = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * The broadcast GEMM on packed operands, as a BLAS does: the A values of each group of 6 (then 4)
     * rows are copied t-major (6 contiguous floats per t), and for each strip of P columns the B rows are
     * copied into one contiguous P·(t1-t0) panel that stays in L1 while every row group runs over it.
     * The order of operations per element is unchanged. Returns the first row it did not do.
     */
    private static int packedGemm(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                  float[] b, int bOff, int ldb, int r0, int r1, int t0, int t1, int k0, int k1,
                                  boolean zero) {
        int terms = t1 - t0;
        int g8 = TALL ? (r1 - r0) / 8 * 8 : 0;   // rows in groups of 8, then of 6, then one of 4
        int g6 = g8 + (r1 - r0 - g8) / 6 * 6;
        int rows = g6 + ((r1 - r0) - g6 >= 4 ? 4 : 0);
        float[][] bufs = GEMM_PACK.get();
        if (bufs[0].length < rows * terms) {
            bufs[0] = new float[rows * terms];
        }
        int kEnd = k0 + (k1 - k0) / P * P;
        int strips = (kEnd - k0) / P;
        if (bufs[1].length < PAD + strips * P * terms) {
            bufs[1] = new float[PAD + strips * P * terms];
        }
        float[] ap = bufs[0], bp = bufs[1];
        // row r's values A(r, t0..t1) at ap[(r - r0) * terms ..], contiguous in t (a stride of 1 lets C2
        // compile the tile's loop far better than a t-major layout with a stride of 6: 95 against 43 GFLOP/s)
        for (int g = 0; g < g8; g += 8) {
            // a group of 8 t-major, 8 contiguous floats per t (with a stride of 8, unlike 6, C2's loop runs
            // at the speed of the stride-1 one; 8 contiguous floats are one cache line's half)
            int base = g * terms;
            for (int j = 0; j < 8; j++) {
                int src = aOff + (r0 + g + j) * aRs + t0 * aTs;
                for (int t = 0, dst = base + j; t < terms; t++, dst += 8) {
                    ap[dst] = a[src + t * aTs];
                }
            }
        }
        for (int g = g8; g < rows; ) {
            int h = g + 6 <= g6 ? 6 : 4;
            int base = g * terms;
            for (int j = 0; j < h; j++) {
                int src = aOff + (r0 + g + j) * aRs + t0 * aTs;
                for (int t = 0, dst = base + j * terms; t < terms; t++) {
                    ap[dst + t] = a[src + t * aTs];
                }
            }
            g += h;
        }
        // every strip of B at once, reading the B rows in order (a stream the prefetchers follow)
        for (int t = 0; t < terms; t++) {
            int src = bOff + (t0 + t) * ldb + k0;
            for (int st = 0, dst = PAD + t * P; st < strips; st++, src += P, dst += terms * P) {
                FloatVector.fromArray(SPECIES, b, src).intoArray(bp, dst);
                FloatVector.fromArray(SPECIES, b, src + L).intoArray(bp, dst + L);
            }
        }
        if (zero) {
            // start from +0 by filling C, so that the tiles always load it (a vector phi of zero-or-load
            // in the tile costs a third of its speed on short runs of t)
            for (int r = r0; r < r0 + rows; r++) {
                java.util.Arrays.fill(c, cOff + r * ldc + k0, cOff + r * ldc + kEnd, 0f);
            }
        }
        for (int st = 0; st < strips; st++) {
            int k = k0 + st * P, bs = PAD + st * terms * P;
            int g = 0;
            for (; g < g8; g += 8) {
                packedTile8(c, cOff + (r0 + g) * ldc + k, ldc, ap, g * terms, bp, bs, terms);
            }
            for (; g + 6 <= g6; g += 6) {
                packedTile6(c, cOff + (r0 + g) * ldc + k, ldc, ap, g * terms, bp, bs, terms);
            }
            if (g < rows) {
                packedTile4(c, cOff + (r0 + g) * ldc + k, ldc, ap, g * terms, bp, bs, terms);
            }
        }
        if (kEnd < k1) {
            int g = 0;
            for (; g < g8; g += 4) {
                gemmTile4(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r0 + g, t0, t1, kEnd, k1, zero);
            }
            for (; g + 6 <= g6; g += 6) {
                gemmTile6(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r0 + g, t0, t1, kEnd, k1, zero);
            }
            if (g < rows) {
                gemmTile4(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r0 + g, t0, t1, kEnd, k1, zero);
            }
        }
        return r0 + rows;
    }

    /** C[8 rows from c0][P columns] (+)= Σ_t ap[a0 + 8·t + j] · bp[P·t ..] (A t-major), rows ldc apart. */
    private static void packedTile8(float[] c, int c0, int ldc, float[] ap, int a0, float[] bp, int bOff, int terms) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0), s01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c1), s11 = FloatVector.fromArray(SPECIES, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c2), s21 = FloatVector.fromArray(SPECIES, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c3), s31 = FloatVector.fromArray(SPECIES, c, c3 + L);
        FloatVector s40 = FloatVector.fromArray(SPECIES, c, c4), s41 = FloatVector.fromArray(SPECIES, c, c4 + L);
        FloatVector s50 = FloatVector.fromArray(SPECIES, c, c5), s51 = FloatVector.fromArray(SPECIES, c, c5 + L);
        FloatVector s60 = FloatVector.fromArray(SPECIES, c, c6), s61 = FloatVector.fromArray(SPECIES, c, c6 + L);
        FloatVector s70 = FloatVector.fromArray(SPECIES, c, c7), s71 = FloatVector.fromArray(SPECIES, c, c7 + L);
        for (int t = 0; t < terms; t++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bOff + t * P);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bOff + t * P + L);
            int at = a0 + 8 * t;
            FloatVector v = FloatVector.broadcast(SPECIES, ap[at]);
            s00 = v.fma(b0, s00);
            s01 = v.fma(b1, s01);
            v = FloatVector.broadcast(SPECIES, ap[at + 1]);
            s10 = v.fma(b0, s10);
            s11 = v.fma(b1, s11);
            v = FloatVector.broadcast(SPECIES, ap[at + 2]);
            s20 = v.fma(b0, s20);
            s21 = v.fma(b1, s21);
            v = FloatVector.broadcast(SPECIES, ap[at + 3]);
            s30 = v.fma(b0, s30);
            s31 = v.fma(b1, s31);
            v = FloatVector.broadcast(SPECIES, ap[at + 4]);
            s40 = v.fma(b0, s40);
            s41 = v.fma(b1, s41);
            v = FloatVector.broadcast(SPECIES, ap[at + 5]);
            s50 = v.fma(b0, s50);
            s51 = v.fma(b1, s51);
            v = FloatVector.broadcast(SPECIES, ap[at + 6]);
            s60 = v.fma(b0, s60);
            s61 = v.fma(b1, s61);
            v = FloatVector.broadcast(SPECIES, ap[at + 7]);
            s70 = v.fma(b0, s70);
            s71 = v.fma(b1, s71);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + L);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + L);
    }

    /** C[6 rows from c0][P columns] (+)= Σ_t ap[a0 + j·terms + t] · bp[P·t ..], rows ldc apart. */
    private static void packedTile6(float[] c, int c0, int ldc, float[] ap, int a0, float[] bp, int bOff, int terms) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0), s01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c1), s11 = FloatVector.fromArray(SPECIES, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c2), s21 = FloatVector.fromArray(SPECIES, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c3), s31 = FloatVector.fromArray(SPECIES, c, c3 + L);
        FloatVector s40 = FloatVector.fromArray(SPECIES, c, c4), s41 = FloatVector.fromArray(SPECIES, c, c4 + L);
        FloatVector s50 = FloatVector.fromArray(SPECIES, c, c5), s51 = FloatVector.fromArray(SPECIES, c, c5 + L);
        for (int t = 0; t < terms; t++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bOff + t * P);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bOff + t * P + L);
            int at = a0 + t;
            FloatVector v = FloatVector.broadcast(SPECIES, ap[at]);
            s00 = v.fma(b0, s00);
            s01 = v.fma(b1, s01);
            v = FloatVector.broadcast(SPECIES, ap[at + 1 * terms]);
            s10 = v.fma(b0, s10);
            s11 = v.fma(b1, s11);
            v = FloatVector.broadcast(SPECIES, ap[at + 2 * terms]);
            s20 = v.fma(b0, s20);
            s21 = v.fma(b1, s21);
            v = FloatVector.broadcast(SPECIES, ap[at + 3 * terms]);
            s30 = v.fma(b0, s30);
            s31 = v.fma(b1, s31);
            v = FloatVector.broadcast(SPECIES, ap[at + 4 * terms]);
            s40 = v.fma(b0, s40);
            s41 = v.fma(b1, s41);
            v = FloatVector.broadcast(SPECIES, ap[at + 5 * terms]);
            s50 = v.fma(b0, s50);
            s51 = v.fma(b1, s51);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
    }

    /** {@link #packedTile6} for 4 rows. */
    private static void packedTile4(float[] c, int c0, int ldc, float[] ap, int a0, float[] bp, int bOff, int terms) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(SPECIES, c, c0), s01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(SPECIES, c, c1), s11 = FloatVector.fromArray(SPECIES, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(SPECIES, c, c2), s21 = FloatVector.fromArray(SPECIES, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(SPECIES, c, c3), s31 = FloatVector.fromArray(SPECIES, c, c3 + L);
        for (int t = 0; t < terms; t++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bOff + t * P);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bOff + t * P + L);
            int at = a0 + t;
            FloatVector v = FloatVector.broadcast(SPECIES, ap[at]);
            s00 = v.fma(b0, s00);
            s01 = v.fma(b1, s01);
            v = FloatVector.broadcast(SPECIES, ap[at + 1 * terms]);
            s10 = v.fma(b0, s10);
            s11 = v.fma(b1, s11);
            v = FloatVector.broadcast(SPECIES, ap[at + 2 * terms]);
            s20 = v.fma(b0, s20);
            s21 = v.fma(b1, s21);
            v = FloatVector.broadcast(SPECIES, ap[at + 3 * terms]);
            s30 = v.fma(b0, s30);
            s31 = v.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }


    /** Rows [r, r + 6) of the broadcast GEMM: 6 x 2 vectors of C in registers, then 6 x 1, then scalar columns. */
    private static void gemmTile6(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                  float[] b, int bOff, int ldb, int r, int t0, int t1, int k0, int k1, boolean zero) {
        int a0 = aOff + r * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs, a5 = a4 + aRs;
        int c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        int k = k0;
        for (; k + 2 * L <= k1; k += 2 * L) {
            // the C tile: from zero (the first block of terms) or from c
            FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00,
                    s30 = s00, s31 = s00, s40 = s00, s41 = s00, s50 = s00, s51 = s00;
            if (!zero) {
                s00 = FloatVector.fromArray(SPECIES, c, c0 + k);
                s01 = FloatVector.fromArray(SPECIES, c, c0 + k + L);
                s10 = FloatVector.fromArray(SPECIES, c, c1 + k);
                s11 = FloatVector.fromArray(SPECIES, c, c1 + k + L);
                s20 = FloatVector.fromArray(SPECIES, c, c2 + k);
                s21 = FloatVector.fromArray(SPECIES, c, c2 + k + L);
                s30 = FloatVector.fromArray(SPECIES, c, c3 + k);
                s31 = FloatVector.fromArray(SPECIES, c, c3 + k + L);
                s40 = FloatVector.fromArray(SPECIES, c, c4 + k);
                s41 = FloatVector.fromArray(SPECIES, c, c4 + k + L);
                s50 = FloatVector.fromArray(SPECIES, c, c5 + k);
                s51 = FloatVector.fromArray(SPECIES, c, c5 + k + L);
            }
            for (int t = t0; t < t1; t++) {
                int bt = bOff + t * ldb + k;
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bt);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bt + L);
                int at = t * aTs;
                FloatVector v = FloatVector.broadcast(SPECIES, a[a0 + at]);
                s00 = v.fma(b0, s00);
                s01 = v.fma(b1, s01);
                v = FloatVector.broadcast(SPECIES, a[a1 + at]);
                s10 = v.fma(b0, s10);
                s11 = v.fma(b1, s11);
                v = FloatVector.broadcast(SPECIES, a[a2 + at]);
                s20 = v.fma(b0, s20);
                s21 = v.fma(b1, s21);
                v = FloatVector.broadcast(SPECIES, a[a3 + at]);
                s30 = v.fma(b0, s30);
                s31 = v.fma(b1, s31);
                v = FloatVector.broadcast(SPECIES, a[a4 + at]);
                s40 = v.fma(b0, s40);
                s41 = v.fma(b1, s41);
                v = FloatVector.broadcast(SPECIES, a[a5 + at]);
                s50 = v.fma(b0, s50);
                s51 = v.fma(b1, s51);
            }
            s00.intoArray(c, c0 + k);
            s01.intoArray(c, c0 + k + L);
            s10.intoArray(c, c1 + k);
            s11.intoArray(c, c1 + k + L);
            s20.intoArray(c, c2 + k);
            s21.intoArray(c, c2 + k + L);
            s30.intoArray(c, c3 + k);
            s31.intoArray(c, c3 + k + L);
            s40.intoArray(c, c4 + k);
            s41.intoArray(c, c4 + k + L);
            s50.intoArray(c, c5 + k);
            s51.intoArray(c, c5 + k + L);
        }
        if (k < k1) {
            gemmTail6(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r, t0, t1, k, k1, zero);
        }
    }

    /** Rows [r, r + 4): 4 x 2 vectors of C in registers, then 4 x 1, then scalar columns. */
    private static void gemmTile4(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                  float[] b, int bOff, int ldb, int r, int t0, int t1, int k0, int k1, boolean zero) {
        int a0 = aOff + r * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
        int c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int k = k0;
        for (; k + 2 * L <= k1; k += 2 * L) {
            // the C tile: from zero (the first block of terms) or from c
            FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00,
                    s30 = s00, s31 = s00;
            if (!zero) {
                s00 = FloatVector.fromArray(SPECIES, c, c0 + k);
                s01 = FloatVector.fromArray(SPECIES, c, c0 + k + L);
                s10 = FloatVector.fromArray(SPECIES, c, c1 + k);
                s11 = FloatVector.fromArray(SPECIES, c, c1 + k + L);
                s20 = FloatVector.fromArray(SPECIES, c, c2 + k);
                s21 = FloatVector.fromArray(SPECIES, c, c2 + k + L);
                s30 = FloatVector.fromArray(SPECIES, c, c3 + k);
                s31 = FloatVector.fromArray(SPECIES, c, c3 + k + L);
            }
            for (int t = t0; t < t1; t++) {
                int bt = bOff + t * ldb + k;
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bt);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bt + L);
                int at = t * aTs;
                FloatVector v = FloatVector.broadcast(SPECIES, a[a0 + at]);
                s00 = v.fma(b0, s00);
                s01 = v.fma(b1, s01);
                v = FloatVector.broadcast(SPECIES, a[a1 + at]);
                s10 = v.fma(b0, s10);
                s11 = v.fma(b1, s11);
                v = FloatVector.broadcast(SPECIES, a[a2 + at]);
                s20 = v.fma(b0, s20);
                s21 = v.fma(b1, s21);
                v = FloatVector.broadcast(SPECIES, a[a3 + at]);
                s30 = v.fma(b0, s30);
                s31 = v.fma(b1, s31);
            }
            s00.intoArray(c, c0 + k);
            s01.intoArray(c, c0 + k + L);
            s10.intoArray(c, c1 + k);
            s11.intoArray(c, c1 + k + L);
            s20.intoArray(c, c2 + k);
            s21.intoArray(c, c2 + k + L);
            s30.intoArray(c, c3 + k);
            s31.intoArray(c, c3 + k + L);
        }
        if (k < k1) {
            gemmTail4(c, cOff, ldc, a, aOff, aRs, aTs, b, bOff, ldb, r, t0, t1, k, k1, zero);
        }
    }

    /**
     * The columns of 6-row tile beyond its last pair of vectors: single vectors from k, then scalar
     * columns. A method of its own, so that C2 compiles these loops from calls in which they ran (inside
     * the tile, they run only for some shapes, e.g. 784 = 24·32 + 16: compiled cold, they box every vector).
     */
    private static void gemmTail6(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                  float[] b, int bOff, int ldb, int r, int t0, int t1, int k, int k1, boolean zero) {
        int a0 = aOff + r * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs, a5 = a4 + aRs;
        int c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        for (; k + L <= k1; k += L) {
            // the C tile: from zero (the first block of terms) or from c
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
            if (!zero) {
                s0 = FloatVector.fromArray(SPECIES, c, c0 + k);
                s1 = FloatVector.fromArray(SPECIES, c, c1 + k);
                s2 = FloatVector.fromArray(SPECIES, c, c2 + k);
                s3 = FloatVector.fromArray(SPECIES, c, c3 + k);
                s4 = FloatVector.fromArray(SPECIES, c, c4 + k);
                s5 = FloatVector.fromArray(SPECIES, c, c5 + k);
            }
            for (int t = t0; t < t1; t++) {
                FloatVector bk = FloatVector.fromArray(SPECIES, b, bOff + t * ldb + k);
                int at = t * aTs;
                s0 = FloatVector.broadcast(SPECIES, a[a0 + at]).fma(bk, s0);
                s1 = FloatVector.broadcast(SPECIES, a[a1 + at]).fma(bk, s1);
                s2 = FloatVector.broadcast(SPECIES, a[a2 + at]).fma(bk, s2);
                s3 = FloatVector.broadcast(SPECIES, a[a3 + at]).fma(bk, s3);
                s4 = FloatVector.broadcast(SPECIES, a[a4 + at]).fma(bk, s4);
                s5 = FloatVector.broadcast(SPECIES, a[a5 + at]).fma(bk, s5);
            }
            s0.intoArray(c, c0 + k);
            s1.intoArray(c, c1 + k);
            s2.intoArray(c, c2 + k);
            s3.intoArray(c, c3 + k);
            s4.intoArray(c, c4 + k);
            s5.intoArray(c, c5 + k);
        }
        for (; k < k1; k++) {
            float s0 = zero ? 0f : c[c0 + k], s1 = zero ? 0f : c[c1 + k], s2 = zero ? 0f : c[c2 + k];
            float s3 = zero ? 0f : c[c3 + k], s4 = zero ? 0f : c[c4 + k], s5 = zero ? 0f : c[c5 + k];
            for (int t = t0; t < t1; t++) {
                float bk = b[bOff + t * ldb + k];
                int at = t * aTs;
                s0 = Math.fma(a[a0 + at], bk, s0);
                s1 = Math.fma(a[a1 + at], bk, s1);
                s2 = Math.fma(a[a2 + at], bk, s2);
                s3 = Math.fma(a[a3 + at], bk, s3);
                s4 = Math.fma(a[a4 + at], bk, s4);
                s5 = Math.fma(a[a5 + at], bk, s5);
            }
            c[c0 + k] = s0;
            c[c1 + k] = s1;
            c[c2 + k] = s2;
            c[c3 + k] = s3;
            c[c4 + k] = s4;
            c[c5 + k] = s5;
        }
    }

    /**
     * The columns of 4-row tile beyond its last pair of vectors: single vectors from k, then scalar
     * columns. A method of its own, so that C2 compiles these loops from calls in which they ran (inside
     * the tile, they run only for some shapes, e.g. 784 = 24·32 + 16: compiled cold, they box every vector).
     */
    private static void gemmTail4(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                  float[] b, int bOff, int ldb, int r, int t0, int t1, int k, int k1, boolean zero) {
        int a0 = aOff + r * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
        int c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        for (; k + L <= k1; k += L) {
            // the C tile: from zero (the first block of terms) or from c
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            if (!zero) {
                s0 = FloatVector.fromArray(SPECIES, c, c0 + k);
                s1 = FloatVector.fromArray(SPECIES, c, c1 + k);
                s2 = FloatVector.fromArray(SPECIES, c, c2 + k);
                s3 = FloatVector.fromArray(SPECIES, c, c3 + k);
            }
            for (int t = t0; t < t1; t++) {
                FloatVector bk = FloatVector.fromArray(SPECIES, b, bOff + t * ldb + k);
                int at = t * aTs;
                s0 = FloatVector.broadcast(SPECIES, a[a0 + at]).fma(bk, s0);
                s1 = FloatVector.broadcast(SPECIES, a[a1 + at]).fma(bk, s1);
                s2 = FloatVector.broadcast(SPECIES, a[a2 + at]).fma(bk, s2);
                s3 = FloatVector.broadcast(SPECIES, a[a3 + at]).fma(bk, s3);
            }
            s0.intoArray(c, c0 + k);
            s1.intoArray(c, c1 + k);
            s2.intoArray(c, c2 + k);
            s3.intoArray(c, c3 + k);
        }
        for (; k < k1; k++) {
            float s0 = zero ? 0f : c[c0 + k], s1 = zero ? 0f : c[c1 + k];
            float s2 = zero ? 0f : c[c2 + k], s3 = zero ? 0f : c[c3 + k];
            for (int t = t0; t < t1; t++) {
                float bk = b[bOff + t * ldb + k];
                int at = t * aTs;
                s0 = Math.fma(a[a0 + at], bk, s0);
                s1 = Math.fma(a[a1 + at], bk, s1);
                s2 = Math.fma(a[a2 + at], bk, s2);
                s3 = Math.fma(a[a3 + at], bk, s3);
            }
            c[c0 + k] = s0;
            c[c1 + k] = s1;
            c[c2 + k] = s2;
            c[c3 + k] = s3;
        }
    }

    @Override
    protected void scaleRange(float[] a, int from, int to, float s) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(SPECIES, a, i).mul(s).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] *= s;
        }
    }

    @Override
    protected void addTo(float[] acc, int accOff, float[] src, int off, int len) {
        int o = 0;
        for (int end = SPECIES.loopBound(len); o < end; o += L) {
            FloatVector.fromArray(SPECIES, acc, accOff + o).add(FloatVector.fromArray(SPECIES, src, off + o))
                    .intoArray(acc, accOff + o);
        }
        for (; o < len; o++) {
            acc[accOff + o] += src[off + o];
        }
    }

    // ---- direct convolution: output channels in vectors, window values broadcast --------------------------

    /**
     * The weights as (terms, channels padded to whole vectors), then the biases padded the same way:
     * wt[t·cp + o] = w[o][t], so that one vector load gives a term's weight for L channels.
     */
    private float[] packConv(float[] w, int wOff, float[] b, int bOff, ConvShape s, int cp) {
        int out = s.out(), terms = s.terms();
        float[] wt = packScratch((long) (terms + 1) * cp);
        for (int t = 0; t < terms; t++) {
            for (int o = 0; o < cp; o++) {
                wt[t * cp + o] = o < out ? w[wOff + o * terms + t] : 0f;
            }
        }
        for (int o = 0; o < cp; o++) {
            wt[terms * cp + o] = o < out ? b[bOff + o] : 0f;
        }
        return wt;
    }

    @Override
    protected void convForwardSamples(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                      ConvShape s, int r0, int r1) {
        int out = s.out(), cp = (out + L - 1) / L * L;
        float[] wt = packConv(w, wOff, b, bOff, s, cp);
        int oh = s.outHeight(), ow = s.outWidth(), wp = s.width() + 2 * s.pad(), cin = s.in();
        for (int i = r0; i < r1; i++) {
            float[] xp = paddedSample(x, s, i);
            for (int r = 0; r < oh; r++) {
                int yRow = (i * oh + r) * ow * out, xRow = r * wp * cin;
                int c = 0;
                for (; c + 8 <= ow; c += 8) {
                    for (int o = 0; o < out; o += L) {
                        convTile8(y, xp, wt, cp, s, wp, xRow + c * cin, yRow + c * out, o);
                    }
                }
                for (; c + 4 <= ow; c += 4) {
                    for (int o = 0; o < out; o += L) {
                        convTile4(y, xp, wt, cp, s, wp, xRow + c * cin, yRow + c * out, o);
                    }
                }
                for (; c < ow; c++) {
                    for (int o = 0; o < out; o += L) {
                        convTile1(y, xp, wt, cp, s, wp, xRow + c * cin, yRow + c * out, o);
                    }
                }
            }
        }
    }

    /**
     * Eight neighbouring output positions of a row (the first's window at xp[xb], rows of wp pixels),
     * channels [o, o + L): eight chains over the terms, each window value broadcast once.
     */
    private static void convTile8(float[] y, float[] xp, float[] wt, int cp, ConvShape s, int wp, int xb, int yOff, int o) {
        int cin = s.in(), run = s.kernel() * cin, rowStep = wp * cin, out = s.out();
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int u = 0, t = 0; u < s.kernel(); u++) {
            int xo = xb + u * rowStep;
            for (int j = 0; j < run; j++, t++) {
                FloatVector wv = FloatVector.fromArray(SPECIES, wt, t * cp + o);
                int p = xo + j;
                a0 = FloatVector.broadcast(SPECIES, xp[p]).fma(wv, a0);
                a1 = FloatVector.broadcast(SPECIES, xp[p + cin]).fma(wv, a1);
                a2 = FloatVector.broadcast(SPECIES, xp[p + 2 * cin]).fma(wv, a2);
                a3 = FloatVector.broadcast(SPECIES, xp[p + 3 * cin]).fma(wv, a3);
                a4 = FloatVector.broadcast(SPECIES, xp[p + 4 * cin]).fma(wv, a4);
                a5 = FloatVector.broadcast(SPECIES, xp[p + 5 * cin]).fma(wv, a5);
                a6 = FloatVector.broadcast(SPECIES, xp[p + 6 * cin]).fma(wv, a6);
                a7 = FloatVector.broadcast(SPECIES, xp[p + 7 * cin]).fma(wv, a7);
            }
        }
        FloatVector bv = FloatVector.fromArray(SPECIES, wt, s.terms() * cp + o);
        if (o + L <= out) {
            a0.add(bv).intoArray(y, yOff + o);
            a1.add(bv).intoArray(y, yOff + out + o);
            a2.add(bv).intoArray(y, yOff + 2 * out + o);
            a3.add(bv).intoArray(y, yOff + 3 * out + o);
            a4.add(bv).intoArray(y, yOff + 4 * out + o);
            a5.add(bv).intoArray(y, yOff + 5 * out + o);
            a6.add(bv).intoArray(y, yOff + 6 * out + o);
            a7.add(bv).intoArray(y, yOff + 7 * out + o);
        } else {
            VectorMask<Float> m = SPECIES.indexInRange(o, out);
            a0.add(bv).intoArray(y, yOff + o, m);
            a1.add(bv).intoArray(y, yOff + out + o, m);
            a2.add(bv).intoArray(y, yOff + 2 * out + o, m);
            a3.add(bv).intoArray(y, yOff + 3 * out + o, m);
            a4.add(bv).intoArray(y, yOff + 4 * out + o, m);
            a5.add(bv).intoArray(y, yOff + 5 * out + o, m);
            a6.add(bv).intoArray(y, yOff + 6 * out + o, m);
            a7.add(bv).intoArray(y, yOff + 7 * out + o, m);
        }
    }

    /** {@link #convTile8} for four output positions. */
    private static void convTile4(float[] y, float[] xp, float[] wt, int cp, ConvShape s, int wp, int xb, int yOff, int o) {
        int cin = s.in(), run = s.kernel() * cin, rowStep = wp * cin, out = s.out();
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int u = 0, t = 0; u < s.kernel(); u++) {
            int xo = xb + u * rowStep;
            for (int j = 0; j < run; j++, t++) {
                FloatVector wv = FloatVector.fromArray(SPECIES, wt, t * cp + o);
                int p = xo + j;
                a0 = FloatVector.broadcast(SPECIES, xp[p]).fma(wv, a0);
                a1 = FloatVector.broadcast(SPECIES, xp[p + cin]).fma(wv, a1);
                a2 = FloatVector.broadcast(SPECIES, xp[p + 2 * cin]).fma(wv, a2);
                a3 = FloatVector.broadcast(SPECIES, xp[p + 3 * cin]).fma(wv, a3);
            }
        }
        FloatVector bv = FloatVector.fromArray(SPECIES, wt, s.terms() * cp + o);
        if (o + L <= out) {
            a0.add(bv).intoArray(y, yOff + o);
            a1.add(bv).intoArray(y, yOff + out + o);
            a2.add(bv).intoArray(y, yOff + 2 * out + o);
            a3.add(bv).intoArray(y, yOff + 3 * out + o);
        } else {
            VectorMask<Float> m = SPECIES.indexInRange(o, out);
            a0.add(bv).intoArray(y, yOff + o, m);
            a1.add(bv).intoArray(y, yOff + out + o, m);
            a2.add(bv).intoArray(y, yOff + 2 * out + o, m);
            a3.add(bv).intoArray(y, yOff + 3 * out + o, m);
        }
    }

    /** {@link #convTile8} for one output position (the last of a row). */
    private static void convTile1(float[] y, float[] xp, float[] wt, int cp, ConvShape s, int wp, int xb, int yOff, int o) {
        int cin = s.in(), run = s.kernel() * cin, rowStep = wp * cin, out = s.out();
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int u = 0, t = 0; u < s.kernel(); u++) {
            int xo = xb + u * rowStep;
            for (int j = 0; j < run; j++, t++) {
                acc = FloatVector.broadcast(SPECIES, xp[xo + j]).fma(FloatVector.fromArray(SPECIES, wt, t * cp + o), acc);
            }
        }
        acc = acc.add(FloatVector.fromArray(SPECIES, wt, s.terms() * cp + o));
        if (o + L <= out) {
            acc.intoArray(y, yOff + o);
        } else {
            acc.intoArray(y, yOff + o, SPECIES.indexInRange(o, out));
        }
    }

    @Override
    protected void convWeightGradTerms(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n,
                                       int t0, int t1) {
        int out = s.out(), cp = (out + L - 1) / L * L, terms = s.terms(), nt = t1 - t0;
        // the gradient transposed, (terms, channels padded to whole vectors): a term's channels are a vector
        float[] acc = packScratch((long) nt * cp);
        java.util.Arrays.fill(acc, 0, nt * cp, 0f);
        // a sample at a time, every weight's chain going on from where the sample before left it: the
        // sample's dy and x stay in cache while all the weights pass over them
        for (int i = 0; i < n; i++) {
            float[] xp = paddedSample(x, s, i);
            for (int o = 0; o < out; o += L) {
                int t = t0;
                for (; t + 8 <= t1; t += 8) {
                    convGradTile8(acc, (t - t0) * cp + o, cp, dy, xp, s, i, t, o);
                }
                for (; t + 4 <= t1; t += 4) {
                    convGradTile4(acc, (t - t0) * cp + o, cp, dy, xp, s, i, t, o);
                }
                for (; t < t1; t++) {
                    convGradTerm(acc, (t - t0) * cp + o, dy, xp, s, i, t, o);
                }
            }
        }
        for (int t = t0; t < t1; t++) {
            for (int o = 0; o < out; o++) {
                dw[dwOff + o * terms + t] = acc[(t - t0) * cp + o];
            }
        }
    }

    /**
     * Terms [t, t + 8), channels [o, o + L) of the transposed gradient at acc[a ..] (rows cp apart), over
     * the positions of sample i (padded: xp).
     */
    private static void convGradTile8(float[] acc, int a, int cp, float[] dy, float[] xp, ConvShape s, int i, int t, int o) {
        int out = s.out(), oh = s.outHeight(), ow = s.outWidth(), cin = s.in(), wp = s.width() + 2 * s.pad();
        int dyOff = i * oh * ow * out + o;
        FloatVector a0 = FloatVector.fromArray(SPECIES, acc, a), a1 = FloatVector.fromArray(SPECIES, acc, a + cp);
        FloatVector a2 = FloatVector.fromArray(SPECIES, acc, a + 2 * cp), a3 = FloatVector.fromArray(SPECIES, acc, a + 3 * cp);
        FloatVector a4 = FloatVector.fromArray(SPECIES, acc, a + 4 * cp), a5 = FloatVector.fromArray(SPECIES, acc, a + 5 * cp);
        FloatVector a6 = FloatVector.fromArray(SPECIES, acc, a + 6 * cp), a7 = FloatVector.fromArray(SPECIES, acc, a + 7 * cp);
        int q0 = termOffset(s, wp, t), q1 = termOffset(s, wp, t + 1), q2 = termOffset(s, wp, t + 2), q3 = termOffset(s, wp, t + 3);
        int q4 = termOffset(s, wp, t + 4), q5 = termOffset(s, wp, t + 5), q6 = termOffset(s, wp, t + 6), q7 = termOffset(s, wp, t + 7);
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                FloatVector g = o + L <= out ? FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out)
                        : FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out, SPECIES.indexInRange(o, out));
                int base = (r * wp + c) * cin;
                a0 = FloatVector.broadcast(SPECIES, xp[base + q0]).fma(g, a0);
                a1 = FloatVector.broadcast(SPECIES, xp[base + q1]).fma(g, a1);
                a2 = FloatVector.broadcast(SPECIES, xp[base + q2]).fma(g, a2);
                a3 = FloatVector.broadcast(SPECIES, xp[base + q3]).fma(g, a3);
                a4 = FloatVector.broadcast(SPECIES, xp[base + q4]).fma(g, a4);
                a5 = FloatVector.broadcast(SPECIES, xp[base + q5]).fma(g, a5);
                a6 = FloatVector.broadcast(SPECIES, xp[base + q6]).fma(g, a6);
                a7 = FloatVector.broadcast(SPECIES, xp[base + q7]).fma(g, a7);
            }
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + cp);
        a2.intoArray(acc, a + 2 * cp);
        a3.intoArray(acc, a + 3 * cp);
        a4.intoArray(acc, a + 4 * cp);
        a5.intoArray(acc, a + 5 * cp);
        a6.intoArray(acc, a + 6 * cp);
        a7.intoArray(acc, a + 7 * cp);
    }

    /** {@link #convGradTile8} for terms [t, t + 4). */
    private static void convGradTile4(float[] acc, int a, int cp, float[] dy, float[] xp, ConvShape s, int i, int t, int o) {
        int out = s.out(), oh = s.outHeight(), ow = s.outWidth(), cin = s.in(), wp = s.width() + 2 * s.pad();
        int dyOff = i * oh * ow * out + o;
        FloatVector a0 = FloatVector.fromArray(SPECIES, acc, a), a1 = FloatVector.fromArray(SPECIES, acc, a + cp);
        FloatVector a2 = FloatVector.fromArray(SPECIES, acc, a + 2 * cp), a3 = FloatVector.fromArray(SPECIES, acc, a + 3 * cp);
        int q0 = termOffset(s, wp, t), q1 = termOffset(s, wp, t + 1), q2 = termOffset(s, wp, t + 2), q3 = termOffset(s, wp, t + 3);
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                FloatVector g = o + L <= out ? FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out)
                        : FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out, SPECIES.indexInRange(o, out));
                int base = (r * wp + c) * cin;
                a0 = FloatVector.broadcast(SPECIES, xp[base + q0]).fma(g, a0);
                a1 = FloatVector.broadcast(SPECIES, xp[base + q1]).fma(g, a1);
                a2 = FloatVector.broadcast(SPECIES, xp[base + q2]).fma(g, a2);
                a3 = FloatVector.broadcast(SPECIES, xp[base + q3]).fma(g, a3);
            }
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + cp);
        a2.intoArray(acc, a + 2 * cp);
        a3.intoArray(acc, a + 3 * cp);
    }

    /** Term t, channels [o, o + L) of the transposed gradient at acc[a ..], over sample i (padded: xp). */
    private static void convGradTerm(float[] acc, int a, float[] dy, float[] xp, ConvShape s, int i, int t, int o) {
        int out = s.out(), oh = s.outHeight(), ow = s.outWidth(), cin = s.in(), wp = s.width() + 2 * s.pad();
        int dyOff = i * oh * ow * out + o, q = termOffset(s, wp, t);
        FloatVector a0 = FloatVector.fromArray(SPECIES, acc, a);
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                FloatVector g = o + L <= out ? FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out)
                        : FloatVector.fromArray(SPECIES, dy, dyOff + (r * ow + c) * out, SPECIES.indexInRange(o, out));
                a0 = FloatVector.broadcast(SPECIES, xp[(r * wp + c) * cin + q]).fma(g, a0);
            }
        }
        a0.intoArray(acc, a);
    }

    /** Ints in vectors of the same shape (and lane count) as the floats', for the indices of the maxima. */
    private static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);
    private static final IntVector IOTA = IntVector.zero(INTS).addIndex(1);

    /** The channels in vectors: a strictly greater pixel replaces the maximum so far and its index, as the scalar loop. */
    @Override
    protected void poolWindow(float[] y, int[] arg, float[] x, int a, int b, int d, int e, int out, int ch0, int c) {
        int ch = ch0;
        for (int end = ch0 + SPECIES.loopBound(c - ch0); ch < end; ch += L) {
            FloatVector best = FloatVector.fromArray(SPECIES, x, a + ch);
            IntVector at = IOTA.add(a + ch);
            FloatVector v = FloatVector.fromArray(SPECIES, x, b + ch);
            VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
            best = best.blend(v, gt);
            at = at.blend(IOTA.add(b + ch), gt.cast(INTS));
            v = FloatVector.fromArray(SPECIES, x, d + ch);
            gt = v.compare(VectorOperators.GT, best);
            best = best.blend(v, gt);
            at = at.blend(IOTA.add(d + ch), gt.cast(INTS));
            v = FloatVector.fromArray(SPECIES, x, e + ch);
            gt = v.compare(VectorOperators.GT, best);
            best = best.blend(v, gt);
            at = at.blend(IOTA.add(e + ch), gt.cast(INTS));
            best.intoArray(y, out + ch);
            at.intoArray(arg, out + ch);
        }
        super.poolWindow(y, arg, x, a, b, d, e, out, ch, c);
    }

    // ---- transcendental functions --------------------------------------------------------------------

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693147182464599609375f;   // float(ln 2)
    private static final float LN2_LO = -1.904654299957768e-9f;     // ln 2 - LN2_HI
    private static final float SHIFTER = 12582912f;                 // 1.5 * 2^23: adding it rounds to an integer

    /**
     * exp(x) lane-wise, inline (no call out to SVML). Range reduction x = k·ln2 + r with |r| <= ln2/2
     * (ln2 in two parts, fused multiply-adds), exp(r) by its Taylor polynomial of degree 7 (truncation
     * below 1e-8 relative), 2^k as two exponent-bit factors so that subnormal results and k = 128 are
     * right. Overflows to +Inf above 88.72, 0 below -103.97, NaN stays NaN; error within 2 ulp
     * (tested over a sweep against Math.exp). Pure IEEE arithmetic: the same bits interpreted, C1 or C2.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        FloatVector kf = xc.fma(FloatVector.broadcast(SPECIES, LOG2E), FloatVector.broadcast(SPECIES, SHIFTER)).sub(SHIFTER);
        FloatVector r = kf.fma(FloatVector.broadcast(SPECIES, -LN2_HI), xc);
        r = kf.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(SPECIES, 1f / 5040f), FloatVector.broadcast(SPECIES, 1f / 720f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
        IntVector k = (IntVector) kf.convert(VectorOperators.F2I, 0);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector f1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector f2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(f1).mul(f2);
    }

    /**
     * {@link #exp(FloatVector)} for one value, operation for operation: the same bits as a lane of the
     * vector version. For the tails of short rows (softmax over 10 classes), which masked vector
     * operations would do slower, and on AVX2 without C2's intrinsics (boxing every vector).
     */
    static float expScalar(float x) {
        float xc = Math.min(Math.max(x, -104f), 89f);
        float kf = Math.fma(xc, LOG2E, SHIFTER) - SHIFTER;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(r, 1f / 5040f, 1f / 720f);
        p = Math.fma(p, r, 1f / 120f);
        p = Math.fma(p, r, 1f / 24f);
        p = Math.fma(p, r, 1f / 6f);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k = (int) kf;
        int k1 = k >> 1;
        int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /**
     * log1p(e) for e in [0, 1]: 2·atanh(s) with s = e / (2 + e) in [0, 1/3], by its odd series up to
     * s^15 (truncation below 2e-9 relative). Inline and tier-independent like {@link #exp}.
     */
    static FloatVector log1pUnit(FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector q = s2.fma(FloatVector.broadcast(SPECIES, 1f / 15f), FloatVector.broadcast(SPECIES, 1f / 13f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f / 11f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f / 9f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f / 7f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f / 5f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f / 3f));
        q = q.fma(s2, FloatVector.broadcast(SPECIES, 1f));
        return s.add(s).mul(q);
    }

    // ---- element-wise ------------------------------------------------------------------------------

    @Override
    protected void sigmoidRange(float[] a, float[] z, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector e = exp(FloatVector.fromArray(SPECIES, z, i).neg());
            FloatVector.broadcast(SPECIES, 1f).div(e.add(1f)).intoArray(a, i);
        }
        for (; i < to; i++) {   // the same bits as a lane of the vector loop
            a[i] = 1f / (expScalar(-z[i]) + 1f);
        }
    }

    @Override
    protected void sigmoidBackwardRange(float[] dz, float[] da, float[] a, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector.fromArray(SPECIES, da, i).mul(av).mul(FloatVector.broadcast(SPECIES, 1f).sub(av)).intoArray(dz, i);
        }
        for (; i < to; i++) {
            float ai = a[i];
            dz[i] = da[i] * ai * (1f - ai);
        }
    }

    /**
     * Softmax of rows of k: whole vectors of the row, then its last k mod L values one at a time (with
     * the scalar transcription of exp: the same bits), so that a row of 10 never needs masked vector
     * operations. The sum: the vector part's lanes in a fixed order, then the tail in order.
     */
    @Override
    protected void softmaxRange(float[] a, float[] z, int r0, int r1, int k) {
        int kb = SPECIES.loopBound(k);
        float[] lanes = LANES.get();
        for (int r = r0; r < r1; r++) {
            int off = r * k;
            float m = rowMax(z, off, k, kb);
            FloatVector mv = FloatVector.broadcast(SPECIES, m);
            FloatVector sv = FloatVector.zero(SPECIES);
            for (int c = 0; c < kb; c += L) {
                FloatVector e = exp(FloatVector.fromArray(SPECIES, z, off + c).sub(mv));
                e.intoArray(a, off + c);
                sv = sv.add(e);
            }
            float sum = 0f;
            if (kb > 0) {
                sv.intoArray(lanes, 0);
                sum = sumLanes(lanes, 0);
            }
            for (int c = kb; c < k; c++) {
                float e = expScalar(z[off + c] - m);
                a[off + c] = e;
                sum += e;
            }
            float inv = 1f / sum;
            FloatVector iv = FloatVector.broadcast(SPECIES, inv);
            for (int c = 0; c < kb; c += L) {
                FloatVector.fromArray(SPECIES, a, off + c).mul(iv).intoArray(a, off + c);
            }
            for (int c = kb; c < k; c++) {
                a[off + c] *= inv;
            }
        }
    }

    /**
     * softmaxRange and softmaxCeRows of the same rows in one pass: one maximum, one set of exponentials
     * and one sum per row serve both. exp(z - m) here is exp(-(m - z)) there (a rounded difference
     * changes sign exactly, and the exp of +0 and -0 is 1), summed in the same order: the same bits.
     */
    @Override
    protected void softmaxLossRange(float[] a, double[] loss, float[] z, float[] y, int r0, int r1, int k) {
        int kb = SPECIES.loopBound(k);
        float[] lanes = LANES.get();
        for (int r = r0; r < r1; r++) {
            int off = r * k;
            float m = rowMax(z, off, k, kb);
            FloatVector mv = FloatVector.broadcast(SPECIES, m);
            FloatVector sv = FloatVector.zero(SPECIES), ysv = sv, ydv = sv;
            for (int c = 0; c < kb; c += L) {
                FloatVector zc = FloatVector.fromArray(SPECIES, z, off + c);
                FloatVector e = exp(zc.sub(mv));
                e.intoArray(a, off + c);
                sv = sv.add(e);
                FloatVector yv = FloatVector.fromArray(SPECIES, y, off + c);
                ysv = ysv.add(yv);
                ydv = yv.fma(mv.sub(zc), ydv);
            }
            float s = 0f, ys = 0f, yd = 0f;
            if (kb > 0) {
                sv.intoArray(lanes, 0);
                ysv.intoArray(lanes, L);
                ydv.intoArray(lanes, 2 * L);
                s = sumLanes(lanes, 0);
                ys = sumLanes(lanes, L);
                yd = sumLanes(lanes, 2 * L);
            }
            for (int c = kb; c < k; c++) {
                float e = expScalar(z[off + c] - m);
                a[off + c] = e;
                s += e;
                float yc = y[off + c];
                ys += yc;
                yd = Math.fma(yc, m - z[off + c], yd);
            }
            loss[r] = 0.0 + (yd + ys * Math.log(s));   // as softmaxCeRows adds it to its total from 0
            float inv = 1f / s;
            FloatVector iv = FloatVector.broadcast(SPECIES, inv);
            for (int c = 0; c < kb; c += L) {
                FloatVector.fromArray(SPECIES, a, off + c).mul(iv).intoArray(a, off + c);
            }
            for (int c = kb; c < k; c++) {
                a[off + c] *= inv;
            }
        }
    }

    private static float rowMax(float[] z, int off, int k, int kb) {
        float m = Float.NEGATIVE_INFINITY;
        if (kb > 0) {
            FloatVector mv = FloatVector.fromArray(SPECIES, z, off);
            for (int c = L; c < kb; c += L) {
                mv = mv.max(FloatVector.fromArray(SPECIES, z, off + c));
            }
            m = mv.reduceLanes(VectorOperators.MAX);
        }
        for (int c = kb; c < k; c++) {
            m = Math.max(m, z[off + c]);
        }
        return m;
    }

    @Override
    protected void subtractRange(float[] out, float[] a, float[] b, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = a[i] - b[i];
        }
    }

    @Override
    protected void sgdRange(float[] w, int wOff, float[] g, int gOff, float lr, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + i);
            wv.sub(FloatVector.fromArray(SPECIES, g, gOff + i).mul(lr)).intoArray(w, wOff + i);
        }
        for (; i < to; i++) {
            w[wOff + i] -= lr * g[gOff + i];
        }
    }

    @Override
    protected void reluRange(float[] a, float[] z, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(SPECIES, z, i).max(zero).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = Math.max(0f, z[i]);
        }
    }

    @Override
    protected void reluBackwardRange(float[] dz, float[] da, float[] a, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            VectorMask<Float> active = FloatVector.fromArray(SPECIES, a, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, da, i), active).intoArray(dz, i);
        }
        for (; i < to; i++) {
            dz[i] = a[i] > 0f ? da[i] : 0f;
        }
    }

    @Override
    protected void axpyRange(float[] y, int yOff, float[] x, int xOff, float alpha, int from, int to) {
        int i = from;
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).fma(av, FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < to; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    protected void momentumRange(float[] w, float[] v, float[] g, int from, int to, float lr, float momentum) {
        int i = from;
        FloatVector mu = FloatVector.broadcast(SPECIES, momentum);
        FloatVector minusLr = FloatVector.broadcast(SPECIES, -lr);
        FloatVector zero = FloatVector.zero(SPECIES), normal = FloatVector.broadcast(SPECIES, Float.MIN_NORMAL);
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector vi = FloatVector.fromArray(SPECIES, v, i).fma(mu, FloatVector.fromArray(SPECIES, g, i));
            vi = vi.blend(zero, vi.abs().lt(normal)); // no subnormal state (ScalarKernels.flushSubnormal)
            vi.intoArray(v, i);
            vi.fma(minusLr, FloatVector.fromArray(SPECIES, w, i)).intoArray(w, i);
        }
        for (; i < to; i++) {
            float vi = ScalarKernels.flushSubnormal(Math.fma(momentum, v[i], g[i]));
            v[i] = vi;
            w[i] = Math.fma(-lr, vi, w[i]);
        }
    }

    @Override
    protected void adamRange(float[] w, float[] m, float[] v, float[] g, int from, int to,
                             float lr, float beta1, float beta2, float eps, float c1, float c2) {
        int i = from;
        FloatVector b1 = FloatVector.broadcast(SPECIES, beta1), b2 = FloatVector.broadcast(SPECIES, beta2), g1 = FloatVector.broadcast(SPECIES, 1f - beta1), g2 = FloatVector.broadcast(SPECIES, 1f - beta2);
        FloatVector lrv = FloatVector.broadcast(SPECIES, lr), epsv = FloatVector.broadcast(SPECIES, eps), c1v = FloatVector.broadcast(SPECIES, c1), c2v = FloatVector.broadcast(SPECIES, c2);
        FloatVector zero = FloatVector.zero(SPECIES), normal = FloatVector.broadcast(SPECIES, Float.MIN_NORMAL);
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector gi = FloatVector.fromArray(SPECIES, g, i);
            FloatVector mi = FloatVector.fromArray(SPECIES, m, i).fma(b1, g1.mul(gi));
            FloatVector vi = FloatVector.fromArray(SPECIES, v, i).fma(b2, g2.mul(gi).mul(gi));
            mi = mi.blend(zero, mi.abs().lt(normal)); // no subnormal state (ScalarKernels.flushSubnormal)
            vi = vi.blend(zero, vi.lt(normal));        // v >= 0
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector step = lrv.mul(mi.mul(c1v)).div(vi.mul(c2v).sqrt().add(epsv));
            FloatVector.fromArray(SPECIES, w, i).sub(step).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gi = g[i];
            float mi = ScalarKernels.flushSubnormal(Math.fma(beta1, m[i], (1f - beta1) * gi));
            float vi = ScalarKernels.flushSubnormal(Math.fma(beta2, v[i], (1f - beta2) * gi * gi));
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
    }

    @Override
    protected void expRange(float[] out, float[] x, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            exp(FloatVector.fromArray(SPECIES, x, i)).intoArray(out, i);
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            exp(FloatVector.fromArray(SPECIES, x, i, m)).intoArray(out, i, m);
        }
    }

    @Override
    protected void logRange(float[] out, float[] x, int from, int to) {
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(SPECIES, x, i).lanewise(VectorOperators.LOG).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = (float) Math.log(x[i]);
        }
    }

    // ---- reductions --------------------------------------------------------------------------------

    @Override
    protected double sumBlock(float[] x, int from, int to) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int i = from;
        for (int end = from + (to - from) / (4 * L) * (4 * L); i < end; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, x, i));
            s1 = s1.add(FloatVector.fromArray(SPECIES, x, i + L));
            s2 = s2.add(FloatVector.fromArray(SPECIES, x, i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(SPECIES, x, i + 3 * L));
        }
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            s0 = s0.add(FloatVector.fromArray(SPECIES, x, i));
        }
        float[] lanes = LANES.get();
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        float s = sumLanes(lanes, 0);
        for (; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    @Override
    protected float maxBlock(float[] x, int from, int to) {
        FloatVector m = FloatVector.broadcast(SPECIES, x[from]);
        int i = from;
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            m = m.max(FloatVector.fromArray(SPECIES, x, i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            r = Math.max(r, x[i]);
        }
        return r;
    }

    @Override
    protected double dotBlock(float[] a, float[] b, int from, int to) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int i = from;
        for (int end = from + (to - from) / (4 * L) * (4 * L); i < end; i += 4 * L) {
            s0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), s0);
            s1 = FloatVector.fromArray(SPECIES, a, i + L).fma(FloatVector.fromArray(SPECIES, b, i + L), s1);
            s2 = FloatVector.fromArray(SPECIES, a, i + 2 * L).fma(FloatVector.fromArray(SPECIES, b, i + 2 * L), s2);
            s3 = FloatVector.fromArray(SPECIES, a, i + 3 * L).fma(FloatVector.fromArray(SPECIES, b, i + 3 * L), s3);
        }
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            s0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), s0);
        }
        float[] lanes = LANES.get();
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        float s = sumLanes(lanes, 0);
        for (; i < to; i++) {
            s = Math.fma(a[i], b[i], s);
        }
        return s;
    }

    /** max(z, 0) - z·y + log1p(exp(-|z|)) lane-wise. */
    private static FloatVector bce(FloatVector z, FloatVector y) {
        FloatVector t = log1pUnit(exp(z.abs().neg()));
        return z.max(0f).sub(z.mul(y)).add(t);
    }

    @Override
    protected double bceBlock(float[] z, float[] y, int from, int to) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0;
        int i = from;
        for (int end = from + (to - from) / (2 * L) * (2 * L); i < end; i += 2 * L) {
            s0 = s0.add(bce(FloatVector.fromArray(SPECIES, z, i), FloatVector.fromArray(SPECIES, y, i)));
            s1 = s1.add(bce(FloatVector.fromArray(SPECIES, z, i + L), FloatVector.fromArray(SPECIES, y, i + L)));
        }
        for (int end = from + SPECIES.loopBound(to - from); i < end; i += L) {
            s0 = s0.add(bce(FloatVector.fromArray(SPECIES, z, i), FloatVector.fromArray(SPECIES, y, i)));
        }
        if (i < to) {
            VectorMask<Float> m = SPECIES.indexInRange(i, to);
            FloatVector v = bce(FloatVector.fromArray(SPECIES, z, i, m), FloatVector.fromArray(SPECIES, y, i, m));
            s1 = s1.add(v, m);
        }
        float[] lanes = LANES.get();
        s0.add(s1).intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    @Override
    protected double softmaxCeRows(float[] z, float[] y, int r0, int r1, int k) {
        // per row: Σ_c y_c·(m - z_c) + (Σ_c y_c)·log Σ_c exp(z_c - m), with d_c = m - z_c
        int kb = SPECIES.loopBound(k);
        float[] lanes = LANES.get();
        double total = 0;
        for (int r = r0; r < r1; r++) {
            int off = r * k;
            float m = rowMax(z, off, k, kb);
            FloatVector mv = FloatVector.broadcast(SPECIES, m);
            FloatVector sv = FloatVector.zero(SPECIES), ysv = sv, ydv = sv;
            for (int c = 0; c < kb; c += L) {
                FloatVector d = mv.sub(FloatVector.fromArray(SPECIES, z, off + c));
                FloatVector yv = FloatVector.fromArray(SPECIES, y, off + c);
                sv = sv.add(exp(d.neg()));
                ysv = ysv.add(yv);
                ydv = yv.fma(d, ydv);
            }
            float s = 0f, ys = 0f, yd = 0f;
            if (kb > 0) {
                sv.intoArray(lanes, 0);
                ysv.intoArray(lanes, L);
                ydv.intoArray(lanes, 2 * L);
                s = sumLanes(lanes, 0);
                ys = sumLanes(lanes, L);
                yd = sumLanes(lanes, 2 * L);
            }
            for (int c = kb; c < k; c++) {
                float d = m - z[off + c];
                float yc = y[off + c];
                s += expScalar(-d);
                ys += yc;
                yd = Math.fma(yc, d, yd);
            }
            total += yd + ys * Math.log(s);
        }
        return total;
    }
}
