package mnist.math.internal;

import mnist.math.Backend;

/**
 * The plain-Java twin of {@link SimdKernels}, written for speed too: register tiles of independent
 * accumulators, fused multiply-adds, several partial sums in the reductions. The broadcast GEMM
 * (weight and input gradients) accumulates every element in the same order as the SIMD one, so the
 * two agree bit for bit there; dot products and reductions differ in the last bits.
 */
public final class ScalarKernels extends AbstractKernels {

    public ScalarKernels(int threads) {
        super(threads, "scalar");
    }

    @Override
    protected AbstractKernels oneThread() {
        return new ScalarKernels(1);
    }

    @Override
    public Backend backend() {
        return Backend.SCALAR;
    }

    // ---- sparse inputs ---------------------------------------------------------------------------------

    /** Outputs per panel of the sparse kernels' weights; each is done as two halves of 8 chains. */
    private static final int PANEL = 16;

    @Override
    public int sparsePanel() {
        return PANEL;
    }

    @Override
    protected void sparseForwardPanels(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff,
                                       int p0, int p1, int out, int r0, int r1) {
        int[] start = x.rowStart(), col = x.rowCol();
        float[] val = x.rowValue();
        int in = x.cols();
        for (int p = p0; p < p1; p++) {
            for (int h = 0; h < PANEL; h += 8) {
                int o = p * PANEL + h, base = wpOff + p * in * PANEL + h;
                for (int i = r0; i < r1; i++) {
                    float c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
                    for (int e = start[i], end = start[i + 1]; e < end; e++) {
                        float v = val[e];
                        int w = base + col[e] * PANEL;
                        c0 = Math.fma(v, wp[w], c0);
                        c1 = Math.fma(v, wp[w + 1], c1);
                        c2 = Math.fma(v, wp[w + 2], c2);
                        c3 = Math.fma(v, wp[w + 3], c3);
                        c4 = Math.fma(v, wp[w + 4], c4);
                        c5 = Math.fma(v, wp[w + 5], c5);
                        c6 = Math.fma(v, wp[w + 6], c6);
                        c7 = Math.fma(v, wp[w + 7], c7);
                    }
                    int yo = i * out + o;
                    y[yo] = c0 + b[bOff + o];
                    y[yo + 1] = c1 + b[bOff + o + 1];
                    y[yo + 2] = c2 + b[bOff + o + 2];
                    y[yo + 3] = c3 + b[bOff + o + 3];
                    y[yo + 4] = c4 + b[bOff + o + 4];
                    y[yo + 5] = c5 + b[bOff + o + 5];
                    y[yo + 6] = c6 + b[bOff + o + 6];
                    y[yo + 7] = c7 + b[bOff + o + 7];
                }
            }
        }
    }

    @Override
    protected void sparseGradPanels(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int p0, int p1,
                                    int k0, int k1, int out, float scale) {
        int[] start = x.colStart(), row = x.colRow();
        float[] val = x.colValue();
        int in = x.cols();
        for (int p = p0; p < p1; p++) {
            for (int h = 0; h < PANEL; h += 8) {
                int o = p * PANEL + h, base = dwpOff + p * in * PANEL + h;
                for (int k = k0; k < k1; k++) {
                    float c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
                    for (int e = start[k], end = start[k + 1]; e < end; e++) {
                        float v = val[e];
                        int g = row[e] * out + o;
                        c0 = Math.fma(dy[g], v, c0);
                        c1 = Math.fma(dy[g + 1], v, c1);
                        c2 = Math.fma(dy[g + 2], v, c2);
                        c3 = Math.fma(dy[g + 3], v, c3);
                        c4 = Math.fma(dy[g + 4], v, c4);
                        c5 = Math.fma(dy[g + 5], v, c5);
                        c6 = Math.fma(dy[g + 6], v, c6);
                        c7 = Math.fma(dy[g + 7], v, c7);
                    }
                    int d = base + k * PANEL;
                    dwp[d] = c0 * scale;
                    dwp[d + 1] = c1 * scale;
                    dwp[d + 2] = c2 * scale;
                    dwp[d + 3] = c3 * scale;
                    dwp[d + 4] = c4 * scale;
                    dwp[d + 5] = c5 * scale;
                    dwp[d + 6] = c6 * scale;
                    dwp[d + 7] = c7 * scale;
                }
            }
        }
    }

    // ---- GEMM --------------------------------------------------------------------------------------

    @Override
    protected void forwardRows(float[] y, float[] x, int xOff, float[] w, int wOff, float[] packed,
                               float[] b, int bOff, int r0, int r1, int in, int out) {
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            int x0 = xOff + i * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
            int o = 0;
            for (; o + 4 <= out; o += 4) {
                int w0 = wOff + o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
                float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
                float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
                for (int k = 0; k < in; k++) {
                    float a0 = x[x0 + k], a1 = x[x1 + k], a2 = x[x2 + k], a3 = x[x3 + k];
                    float b0 = w[w0 + k], b1 = w[w1 + k], b2 = w[w2 + k], b3 = w[w3 + k];
                    c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01);
                    c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03);
                    c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11);
                    c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13);
                    c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21);
                    c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23);
                    c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31);
                    c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33);
                }
                float e0 = b[bOff + o], e1 = b[bOff + o + 1], e2 = b[bOff + o + 2], e3 = b[bOff + o + 3];
                int y0 = i * out + o, y1 = y0 + out, y2 = y1 + out, y3 = y2 + out;
                y[y0] = c00 + e0; y[y0 + 1] = c01 + e1; y[y0 + 2] = c02 + e2; y[y0 + 3] = c03 + e3;
                y[y1] = c10 + e0; y[y1 + 1] = c11 + e1; y[y1 + 2] = c12 + e2; y[y1 + 3] = c13 + e3;
                y[y2] = c20 + e0; y[y2 + 1] = c21 + e1; y[y2 + 2] = c22 + e2; y[y2 + 3] = c23 + e3;
                y[y3] = c30 + e0; y[y3 + 1] = c31 + e1; y[y3 + 2] = c32 + e2; y[y3 + 3] = c33 + e3;
            }
            for (; o < out; o++) {
                int w0 = wOff + o * in;
                float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
                for (int k = 0; k < in; k++) {
                    float bk = w[w0 + k];
                    c0 = Math.fma(x[x0 + k], bk, c0);
                    c1 = Math.fma(x[x1 + k], bk, c1);
                    c2 = Math.fma(x[x2 + k], bk, c2);
                    c3 = Math.fma(x[x3 + k], bk, c3);
                }
                float e = b[bOff + o];
                y[i * out + o] = c0 + e;
                y[(i + 1) * out + o] = c1 + e;
                y[(i + 2) * out + o] = c2 + e;
                y[(i + 3) * out + o] = c3 + e;
            }
        }
        for (; i < r1; i++) {
            int x0 = xOff + i * in;
            for (int o = 0; o < out; o++) {
                int w0 = wOff + o * in;
                float c = 0;
                for (int k = 0; k < in; k++) {
                    c = Math.fma(x[x0 + k], w[w0 + k], c);
                }
                y[i * out + o] = c + b[bOff + o];
            }
        }
    }

    @Override
    protected void broadcastGemm(float[] c, int cOff, int ldc, float[] a, int aOff, int aRs, int aTs,
                                 float[] b, int bOff, int ldb, int r0, int r1, int t0, int t1, int k0, int k1,
                                 boolean zero) {
        if (zero) {
            for (int r = r0; r < r1; r++) {
                java.util.Arrays.fill(c, cOff + r * ldc + k0, cOff + r * ldc + k1, 0f);
            }
        }
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int a0 = aOff + r * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
            int c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int k = k0;
            for (; k + 4 <= k1; k += 4) {
                float s00 = c[c0 + k], s01 = c[c0 + k + 1], s02 = c[c0 + k + 2], s03 = c[c0 + k + 3];
                float s10 = c[c1 + k], s11 = c[c1 + k + 1], s12 = c[c1 + k + 2], s13 = c[c1 + k + 3];
                float s20 = c[c2 + k], s21 = c[c2 + k + 1], s22 = c[c2 + k + 2], s23 = c[c2 + k + 3];
                float s30 = c[c3 + k], s31 = c[c3 + k + 1], s32 = c[c3 + k + 2], s33 = c[c3 + k + 3];
                for (int t = t0; t < t1; t++) {
                    int bt = bOff + t * ldb + k;
                    float b0 = b[bt], b1 = b[bt + 1], b2 = b[bt + 2], b3 = b[bt + 3];
                    int at = t * aTs;
                    float v0 = a[a0 + at], v1 = a[a1 + at], v2 = a[a2 + at], v3 = a[a3 + at];
                    s00 = Math.fma(v0, b0, s00); s01 = Math.fma(v0, b1, s01);
                    s02 = Math.fma(v0, b2, s02); s03 = Math.fma(v0, b3, s03);
                    s10 = Math.fma(v1, b0, s10); s11 = Math.fma(v1, b1, s11);
                    s12 = Math.fma(v1, b2, s12); s13 = Math.fma(v1, b3, s13);
                    s20 = Math.fma(v2, b0, s20); s21 = Math.fma(v2, b1, s21);
                    s22 = Math.fma(v2, b2, s22); s23 = Math.fma(v2, b3, s23);
                    s30 = Math.fma(v3, b0, s30); s31 = Math.fma(v3, b1, s31);
                    s32 = Math.fma(v3, b2, s32); s33 = Math.fma(v3, b3, s33);
                }
                c[c0 + k] = s00; c[c0 + k + 1] = s01; c[c0 + k + 2] = s02; c[c0 + k + 3] = s03;
                c[c1 + k] = s10; c[c1 + k + 1] = s11; c[c1 + k + 2] = s12; c[c1 + k + 3] = s13;
                c[c2 + k] = s20; c[c2 + k + 1] = s21; c[c2 + k + 2] = s22; c[c2 + k + 3] = s23;
                c[c3 + k] = s30; c[c3 + k + 1] = s31; c[c3 + k + 2] = s32; c[c3 + k + 3] = s33;
            }
            for (; k < k1; k++) {
                float s0 = c[c0 + k], s1 = c[c1 + k], s2 = c[c2 + k], s3 = c[c3 + k];
                for (int t = t0; t < t1; t++) {
                    float bk = b[bOff + t * ldb + k];
                    int at = t * aTs;
                    s0 = Math.fma(a[a0 + at], bk, s0);
                    s1 = Math.fma(a[a1 + at], bk, s1);
                    s2 = Math.fma(a[a2 + at], bk, s2);
                    s3 = Math.fma(a[a3 + at], bk, s3);
                }
                c[c0 + k] = s0; c[c1 + k] = s1; c[c2 + k] = s2; c[c3 + k] = s3;
            }
        }
        for (; r < r1; r++) {
            int a0 = aOff + r * aRs;
            int c0 = cOff + r * ldc;
            int k = k0;
            for (; k + 4 <= k1; k += 4) {
                float s0 = c[c0 + k], s1 = c[c0 + k + 1], s2 = c[c0 + k + 2], s3 = c[c0 + k + 3];
                for (int t = t0; t < t1; t++) {
                    int bt = bOff + t * ldb + k;
                    float v = a[a0 + t * aTs];
                    s0 = Math.fma(v, b[bt], s0);
                    s1 = Math.fma(v, b[bt + 1], s1);
                    s2 = Math.fma(v, b[bt + 2], s2);
                    s3 = Math.fma(v, b[bt + 3], s3);
                }
                c[c0 + k] = s0; c[c0 + k + 1] = s1; c[c0 + k + 2] = s2; c[c0 + k + 3] = s3;
            }
            for (; k < k1; k++) {
                float s = c[c0 + k];
                for (int t = t0; t < t1; t++) {
                    s = Math.fma(a[a0 + t * aTs], b[bOff + t * ldb + k], s);
                }
                c[c0 + k] = s;
            }
        }
    }

    // ---- direct convolution (see Kernels.convForward), on each sample padded (paddedSample) ----------------

    @Override
    protected void convForwardSamples(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                      ConvShape s, int r0, int r1) {
        int out = s.out(), terms = s.terms(), k = s.kernel(), cin = s.in(), wp = s.width() + 2 * s.pad();
        int oh = s.outHeight(), ow = s.outWidth(), run = k * cin;
        for (int i = r0; i < r1; i++) {
            float[] xp = paddedSample(x, s, i);
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    int yo = ((i * oh + r) * ow + c) * out, xb = (r * wp + c) * cin;
                    int o = 0;
                    for (; o + 4 <= out; o += 4) {                                  // 4 channels, 4 chains
                        int w0 = wOff + o * terms, w1 = w0 + terms, w2 = w1 + terms, w3 = w2 + terms;
                        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        for (int u = 0, t = 0; u < k; u++) {
                            int xo = xb + u * wp * cin;
                            for (int j = 0; j < run; j++, t++) {
                                float xv = xp[xo + j];
                                s0 = Math.fma(xv, w[w0 + t], s0);
                                s1 = Math.fma(xv, w[w1 + t], s1);
                                s2 = Math.fma(xv, w[w2 + t], s2);
                                s3 = Math.fma(xv, w[w3 + t], s3);
                            }
                        }
                        y[yo + o] = s0 + b[bOff + o];
                        y[yo + o + 1] = s1 + b[bOff + o + 1];
                        y[yo + o + 2] = s2 + b[bOff + o + 2];
                        y[yo + o + 3] = s3 + b[bOff + o + 3];
                    }
                    for (; o < out; o++) {
                        int w0 = wOff + o * terms;
                        float s0 = 0;
                        for (int u = 0, t = 0; u < k; u++) {
                            int xo = xb + u * wp * cin;
                            for (int j = 0; j < run; j++, t++) {
                                s0 = Math.fma(xp[xo + j], w[w0 + t], s0);
                            }
                        }
                        y[yo + o] = s0 + b[bOff + o];
                    }
                }
            }
        }
    }

    @Override
    protected void convWeightGradTerms(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n,
                                       int t0, int t1) {
        int out = s.out(), terms = s.terms();
        for (int o = 0; o < out; o++) {
            java.util.Arrays.fill(dw, dwOff + o * terms + t0, dwOff + o * terms + t1, 0f);
        }
        // a sample at a time, every weight's chain going on from where the sample before left it: the
        // sample's dy and x stay in cache while all the weights pass over them
        for (int i = 0; i < n; i++) {
            float[] xp = paddedSample(x, s, i);
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                int o = 0;
                for (; o + 4 <= out; o += 4) {
                    convGradTile(dw, dwOff, dy, xp, s, i, t, o);
                }
                for (; o < out; o++) {
                    for (int q = t; q < t + 4; q++) {
                        convGradOne(dw, dwOff, dy, xp, s, i, q, o);
                    }
                }
            }
            for (; t < t1; t++) {
                for (int o = 0; o < out; o++) {
                    convGradOne(dw, dwOff, dy, xp, s, i, t, o);
                }
            }
        }
    }

    /** Terms [t, t + 4) x channels [o, o + 4) of the weight gradient, over the positions of sample i (padded: xp). */
    private static void convGradTile(float[] dw, int dwOff, float[] dy, float[] xp, ConvShape s, int i, int t, int o) {
        int terms = s.terms(), out = s.out(), oh = s.outHeight(), ow = s.outWidth(), cin = s.in();
        int wp = s.width() + 2 * s.pad(), dyOff = i * oh * ow * out + o;
        int d0 = dwOff + o * terms + t, d1 = d0 + terms, d2 = d1 + terms, d3 = d2 + terms;
        float s00 = dw[d0], s01 = dw[d0 + 1], s02 = dw[d0 + 2], s03 = dw[d0 + 3];   // s[channel][term]
        float s10 = dw[d1], s11 = dw[d1 + 1], s12 = dw[d1 + 2], s13 = dw[d1 + 3];
        float s20 = dw[d2], s21 = dw[d2 + 1], s22 = dw[d2 + 2], s23 = dw[d2 + 3];
        float s30 = dw[d3], s31 = dw[d3 + 1], s32 = dw[d3 + 2], s33 = dw[d3 + 3];
        int q0 = termOffset(s, wp, t), q1 = termOffset(s, wp, t + 1), q2 = termOffset(s, wp, t + 2), q3 = termOffset(s, wp, t + 3);
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                int p = dyOff + (r * ow + c) * out, base = (r * wp + c) * cin;
                float g0 = dy[p], g1 = dy[p + 1], g2 = dy[p + 2], g3 = dy[p + 3];
                float x0 = xp[base + q0], x1 = xp[base + q1], x2 = xp[base + q2], x3 = xp[base + q3];
                s00 = Math.fma(x0, g0, s00); s01 = Math.fma(x1, g0, s01); s02 = Math.fma(x2, g0, s02); s03 = Math.fma(x3, g0, s03);
                s10 = Math.fma(x0, g1, s10); s11 = Math.fma(x1, g1, s11); s12 = Math.fma(x2, g1, s12); s13 = Math.fma(x3, g1, s13);
                s20 = Math.fma(x0, g2, s20); s21 = Math.fma(x1, g2, s21); s22 = Math.fma(x2, g2, s22); s23 = Math.fma(x3, g2, s23);
                s30 = Math.fma(x0, g3, s30); s31 = Math.fma(x1, g3, s31); s32 = Math.fma(x2, g3, s32); s33 = Math.fma(x3, g3, s33);
            }
        }
        dw[d0] = s00; dw[d0 + 1] = s01; dw[d0 + 2] = s02; dw[d0 + 3] = s03;
        dw[d1] = s10; dw[d1 + 1] = s11; dw[d1 + 2] = s12; dw[d1 + 3] = s13;
        dw[d2] = s20; dw[d2 + 1] = s21; dw[d2 + 2] = s22; dw[d2 + 3] = s23;
        dw[d3] = s30; dw[d3 + 1] = s31; dw[d3 + 2] = s32; dw[d3 + 3] = s33;
    }

    /** Term t of channel o of the weight gradient, over the positions of sample i (padded: xp). */
    private static void convGradOne(float[] dw, int dwOff, float[] dy, float[] xp, ConvShape s, int i, int t, int o) {
        int out = s.out(), oh = s.outHeight(), ow = s.outWidth(), cin = s.in(), wp = s.width() + 2 * s.pad();
        int d = dwOff + o * s.terms() + t, q = termOffset(s, wp, t), dyOff = i * oh * ow * out + o;
        float acc = dw[d];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                acc = Math.fma(xp[(r * wp + c) * cin + q], dy[dyOff + (r * ow + c) * out], acc);
            }
        }
        dw[d] = acc;
    }

    @Override
    protected void scaleRange(float[] a, int from, int to, float s) {
        for (int i = from; i < to; i++) {
            a[i] *= s;
        }
    }

    @Override
    protected void addTo(float[] acc, int accOff, float[] src, int off, int len) {
        for (int o = 0; o < len; o++) {
            acc[accOff + o] += src[off + o];
        }
    }

    // ---- element-wise ------------------------------------------------------------------------------

    /** exp in float via the double Math.exp (correctly rounded in almost all cases). */
    static float expf(float x) {
        return (float) Math.exp(x);
    }

    @Override
    protected void sigmoidRange(float[] a, float[] z, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = 1f / (1f + expf(-z[i]));
        }
    }

    @Override
    protected void sigmoidBackwardRange(float[] dz, float[] da, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            float ai = a[i];
            dz[i] = da[i] * ai * (1f - ai);
        }
    }

    @Override
    protected void softmaxRange(float[] a, float[] z, int r0, int r1, int k) {
        for (int r = r0; r < r1; r++) {
            int off = r * k;
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[off + c]);
            }
            float s = 0;
            for (int c = 0; c < k; c++) {
                float e = expf(z[off + c] - m);
                a[off + c] = e;
                s += e;
            }
            float inv = 1f / s;
            for (int c = 0; c < k; c++) {
                a[off + c] *= inv;
            }
        }
    }

    @Override
    protected void subtractRange(float[] out, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = a[i] - b[i];
        }
    }

    @Override
    protected void sgdRange(float[] w, int wOff, float[] g, int gOff, float lr, int from, int to) {
        for (int i = from; i < to; i++) {
            w[wOff + i] -= lr * g[gOff + i];
        }
    }

    @Override
    protected void reluRange(float[] a, float[] z, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = Math.max(0f, z[i]);
        }
    }

    @Override
    protected void reluBackwardRange(float[] dz, float[] da, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            dz[i] = a[i] > 0f ? da[i] : 0f;
        }
    }

    @Override
    protected void axpyRange(float[] y, int yOff, float[] x, int xOff, float alpha, int from, int to) {
        for (int i = from; i < to; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    protected void momentumRange(float[] w, float[] v, float[] g, int from, int to, float lr, float momentum) {
        for (int i = from; i < to; i++) {
            float vi = flushSubnormal(Math.fma(momentum, v[i], g[i]));
            v[i] = vi;
            w[i] = Math.fma(-lr, vi, w[i]);
        }
    }

    /**
     * 0 for a subnormal x (below {@link Float#MIN_NORMAL} in magnitude), x otherwise. The optimizers keep
     * no subnormal state: the moments and velocities of weights whose gradient is 0 (the first layer's
     * weights of pixels that are seldom lit) decay by beta each step into the subnormal range, where
     * every multiply-add takes a microcode assist on Intel CPUs (Java runs without flush-to-zero): Adam
     * on 200,704 parameters took 1.8 ms with every moment subnormal against 0.09 ms with none, and 274 us
     * a step in training (20% of the step). A subnormal moment moves its weight by less than 1e-30,
     * which rounds away against any weight that is not itself within 1e-24 of 0.
     */
    static float flushSubnormal(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    @Override
    protected void adamRange(float[] w, float[] m, float[] v, float[] g, int from, int to,
                             float lr, float beta1, float beta2, float eps, float c1, float c2) {
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = flushSubnormal(Math.fma(beta1, m[i], (1f - beta1) * gi));
            float vi = flushSubnormal(Math.fma(beta2, v[i], (1f - beta2) * gi * gi));
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
    }

    @Override
    protected void expRange(float[] out, float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = expf(x[i]);
        }
    }

    @Override
    protected void logRange(float[] out, float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = (float) Math.log(x[i]);
        }
    }

    // ---- reductions --------------------------------------------------------------------------------

    @Override
    protected double sumBlock(float[] x, int from, int to) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < to; i++) {
            s0 += x[i];
        }
        return (double) ((s0 + s1) + (s2 + s3));
    }

    @Override
    protected float maxBlock(float[] x, int from, int to) {
        float m0 = x[from], m1 = m0, m2 = m0, m3 = m0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            m0 = Math.max(m0, x[i]);
            m1 = Math.max(m1, x[i + 1]);
            m2 = Math.max(m2, x[i + 2]);
            m3 = Math.max(m3, x[i + 3]);
        }
        for (; i < to; i++) {
            m0 = Math.max(m0, x[i]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    @Override
    protected double dotBlock(float[] a, float[] b, int from, int to) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 = Math.fma(a[i], b[i], s0);
            s1 = Math.fma(a[i + 1], b[i + 1], s1);
            s2 = Math.fma(a[i + 2], b[i + 2], s2);
            s3 = Math.fma(a[i + 3], b[i + 3], s3);
        }
        for (; i < to; i++) {
            s0 = Math.fma(a[i], b[i], s0);
        }
        return (double) ((s0 + s1) + (s2 + s3));
    }

    /** max(z, 0) - z·y + log1p(exp(-|z|)), in float. */
    static float bce(float z, float y) {
        return Math.max(z, 0f) - z * y + (float) Math.log1p(Math.exp(-Math.abs(z)));
    }

    @Override
    protected double bceBlock(float[] z, float[] y, int from, int to) {
        float s0 = 0, s1 = 0;
        int i = from;
        for (; i + 2 <= to; i += 2) {
            s0 += bce(z[i], y[i]);
            s1 += bce(z[i + 1], y[i + 1]);
        }
        for (; i < to; i++) {
            s0 += bce(z[i], y[i]);
        }
        return (double) (s0 + s1);
    }

    @Override
    protected double softmaxCeRows(float[] z, float[] y, int r0, int r1, int k) {
        double total = 0;
        for (int r = r0; r < r1; r++) {
            int off = r * k;
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[off + c]);
            }
            float s = 0, ys = 0, yd = 0;
            for (int c = 0; c < k; c++) {
                float d = m - z[off + c];
                s += expf(-d);
                ys += y[off + c];
                yd = Math.fma(y[off + c], d, yd);
            }
            // -Σ y_c (z_c - m - log s) = Σ y_c (m - z_c) + Σ y_c · log s
            total += yd + ys * Math.log(s);
        }
        return total;
    }
}
