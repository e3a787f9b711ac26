package mnist.math.internal;

/**
 * Naive reference kernels: plain loops, double accumulation, double transcendental functions.
 * Kept forever; every kernel of every backend is compared against these. Results are double so that
 * tests can also bound the error by the magnitude of the terms (see the *Abs companions).
 */
final class ReferenceKernels {

    private ReferenceKernels() {
    }

    // y (n, out) = x (n, in) · wᵀ + b
    static double[] linearForward(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[bOff + o];
                for (int k = 0; k < in; k++) {
                    s += (double) x[xOff + i * in + k] * w[wOff + o * in + k];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    // the same with |x|, |w|, |b|: the scale of the rounding error of each output
    static double[] linearForwardAbs(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, int n, int in, int out) {
        return linearForward(abs(x), xOff, abs(w), wOff, b == null ? null : abs(b), bOff, n, in, out);
    }

    // dw (out, in) = scale · dyᵀ (out, n) · x (n, in)
    static double[] linearWeightGrad(float[] dy, float[] x, int xOff, int n, int in, int out, double scale) {
        double[] dw = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (double) dy[i * out + o] * x[xOff + i * in + k];
                }
                dw[o * in + k] = scale * s;
            }
        }
        return dw;
    }

    // db (out) = scale · Σ_i dy[i][o]
    static double[] linearBiasGrad(float[] dy, int n, int out, double scale) {
        double[] db = new double[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += dy[i * out + o];
            }
            db[o] = scale * s;
        }
        return db;
    }

    // dx (n, in) = dy (n, out) · w (out, in)
    static double[] linearInputGrad(float[] dy, float[] w, int wOff, int n, int in, int out) {
        double[] dx = new double[n * in];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int o = 0; o < out; o++) {
                    s += (double) dy[i * out + o] * w[wOff + o * in + k];
                }
                dx[i * in + k] = s;
            }
        }
        return dx;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static double[] softmax(float[] z, int n, int k) {
        double[] a = new double[n * k];
        for (int r = 0; r < n; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[r * k + c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += Math.exp(z[r * k + c] - m);
            }
            for (int c = 0; c < k; c++) {
                a[r * k + c] = Math.exp(z[r * k + c] - m) / s;
            }
        }
        return a;
    }

    static double sum(float[] x, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += x[i];
        }
        return s;
    }

    static double dot(float[] a, float[] b, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** -(y log σ(z) + (1-y) log(1-σ(z))), from the logit, in double. */
    static double bce(double z, double y) {
        return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }

    static double binaryCrossEntropySum(float[] z, float[] y, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += bce(z[i], y[i]);
        }
        return s;
    }

    static double softmaxCrossEntropySum(float[] z, float[] y, int n, int k) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[r * k + c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += Math.exp(z[r * k + c] - m);
            }
            double lse = m + Math.log(s);
            for (int c = 0; c < k; c++) {
                total -= y[r * k + c] * (z[r * k + c] - lse);
            }
        }
        return total;
    }

    static float[] abs(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.abs(a[i]);
        }
        return r;
    }
}
