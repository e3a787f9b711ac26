package mnist.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mnist.math.Backend;
import mnist.math.Kernels;
import mnist.math.SparseBatch;

/**
 * {@code mnist train --profile}: the kernels of a backend, each call timed (wall clock, on the calling
 * thread, so a parallel kernel counts once for all its threads) and added up per kernel and shape, to
 * show where the time of a training step goes. Timing costs about 50 ns a call.
 */
final class ProfiledKernels implements Kernels {
    private final Kernels k;
    private final Map<String, long[]> totals = new LinkedHashMap<>();   // name -> {calls, nanos}
    private long start;
    private long t0;

    ProfiledKernels(Kernels kernels) {
        this.k = kernels;
    }

    private void begin() {
        t0 = System.nanoTime();
    }

    private void end(String name) {
        long dt = System.nanoTime() - t0;
        long[] t = totals.computeIfAbsent(name, x -> new long[2]);
        t[0]++;
        t[1] += dt;
    }

    /** Forgets what was measured so far (the first epoch, while the JIT compiles), and starts the clock. */
    void reset() {
        totals.clear();
        steps = 0;
        start = System.nanoTime();
    }

    private long steps;

    /** Prints the table: per kernel and shape, calls per step, microseconds per call and share of the time. */
    void print(PrintStream out, String title) {
        if (steps == 0) {
            out.println("\nNo profile: the run had only one epoch (the first is not profiled: it includes the JIT's warm-up).");
            return;
        }
        double wall = (System.nanoTime() - start) / 1e3;
        out.printf(Locale.ROOT, "%nWhere the time goes (%s): %,d steps, %.1f us a step%n", title, steps, wall / steps);
        out.printf(Locale.ROOT, "  %-44s %10s %12s %12s %7s%n", "kernel", "calls/step", "us/call", "us/step", "share");
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(totals.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        double inKernels = 0;
        for (Map.Entry<String, long[]> r : rows) {
            double us = r.getValue()[1] / 1e3;
            inKernels += us;
            out.printf(Locale.ROOT, "  %-44s %10.2f %12.1f %12.1f %6.1f%%%n", r.getKey(), (double) r.getValue()[0] / steps,
                    us / r.getValue()[0], us / steps, 100 * us / wall);
        }
        out.printf(Locale.ROOT, "  %-44s %10s %12s %12.1f %6.1f%%%n", "outside the kernels (batches, validation)", "", "",
                (wall - inKernels) / steps, 100 * (wall - inKernels) / wall);
    }

    @Override
    public Backend backend() {
        return k.backend();
    }

    @Override
    public int threads() {
        return k.threads();
    }

    @Override
    public void linearForward(float[] y, float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, int n, int in, int out) {
        begin();
        k.linearForward(y, x, xOff, w, wOff, b, bOff, n, in, out);
        end("linearForward " + n + "x" + in + "->" + out);
    }

    @Override
    public void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff, int n, int in, int out, float scale) {
        begin();
        k.linearWeightGrad(dw, dwOff, dy, x, xOff, n, in, out, scale);
        end("linearWeightGrad " + n + "x" + in + "->" + out);
    }

    @Override
    public void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale) {
        begin();
        k.linearBiasGrad(db, dbOff, dy, n, out, scale);
        end("linearBiasGrad " + n + "x" + out);
    }

    @Override
    public void linearInputGrad(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out) {
        begin();
        k.linearInputGrad(dx, dy, w, wOff, n, in, out);
        end("linearInputGrad " + n + "x" + out + "->" + in);
    }

    @Override
    public void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out) {
        begin();
        k.sparseLinearForward(y, x, wp, wpOff, b, bOff, out);
        end("sparseLinearForward " + x.rows() + "x" + x.cols() + "->" + out);
    }

    @Override
    public void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out, float scale) {
        begin();
        k.sparseWeightGrad(dwp, dwpOff, x, dy, out, scale);
        end("sparseWeightGrad " + x.rows() + "x" + x.cols() + "->" + out);
    }

    @Override
    public int sparsePanel() {
        return k.sparsePanel();
    }

    @Override
    public void packPanels(float[] wp, int wpOff, float[] w, int wOff, int out, int in) {
        begin();
        k.packPanels(wp, wpOff, w, wOff, out, in);
        end("packPanels " + out + "x" + in);
    }

    @Override
    public void unpackPanels(float[] w, int wOff, float[] wp, int wpOff, int out, int in) {
        begin();
        k.unpackPanels(w, wOff, wp, wpOff, out, in);
        end("unpackPanels " + out + "x" + in);
    }

    @Override
    public void sigmoid(float[] a, float[] z, int len) {
        begin();
        k.sigmoid(a, z, len);
        end("sigmoid " + len);
    }

    @Override
    public void sigmoidBackward(float[] dz, float[] da, float[] a, int len) {
        begin();
        k.sigmoidBackward(dz, da, a, len);
        end("sigmoidBackward " + len);
    }

    @Override
    public void softmax(float[] a, float[] z, int n, int kk) {
        begin();
        k.softmax(a, z, n, kk);
        end("softmax " + n + "x" + kk);
    }

    @Override
    public void subtract(float[] out, float[] a, float[] b, int len) {
        begin();
        k.subtract(out, a, b, len);
        end("subtract " + len);
    }

    @Override
    public void sgdStep(float[] w, int wOff, float[] g, int gOff, float lr, int len) {
        begin();
        k.sgdStep(w, wOff, g, gOff, lr, len);
        end("sgdStep " + len);
        steps++;
    }

    @Override
    public void relu(float[] a, float[] z, int len) {
        begin();
        k.relu(a, z, len);
        end("relu " + len);
    }

    @Override
    public void reluBackward(float[] dz, float[] da, float[] a, int len) {
        begin();
        k.reluBackward(dz, da, a, len);
        end("reluBackward " + len);
    }

    @Override
    public void axpy(float[] y, int yOff, float[] x, int xOff, float alpha, int len) {
        begin();
        k.axpy(y, yOff, x, xOff, alpha, len);
        end("axpy " + len);
    }

    @Override
    public void momentumStep(float[] w, float[] v, float[] g, int off, int len, float lr, float momentum) {
        begin();
        k.momentumStep(w, v, g, off, len, lr, momentum);
        end("momentumStep " + len);
        steps++;
    }

    @Override
    public void adamStep(float[] w, float[] m, float[] v, float[] g, int off, int len, float lr, float beta1, float beta2,
                         float eps, float c1, float c2) {
        begin();
        k.adamStep(w, m, v, g, off, len, lr, beta1, beta2, eps, c1, c2);
        end("adamStep " + len);
        steps++;
    }

    @Override
    public void exp(float[] out, float[] x, int len) {
        begin();
        k.exp(out, x, len);
        end("exp " + len);
    }

    @Override
    public void log(float[] out, float[] x, int len) {
        begin();
        k.log(out, x, len);
        end("log " + len);
    }

    @Override
    public double sum(float[] x, int len) {
        begin();
        double r = k.sum(x, len);
        end("sum " + len);
        return r;
    }

    @Override
    public float max(float[] x, int len) {
        begin();
        float r = k.max(x, len);
        end("max " + len);
        return r;
    }

    @Override
    public double dot(float[] a, float[] b, int len) {
        begin();
        double r = k.dot(a, b, len);
        end("dot " + len);
        return r;
    }

    @Override
    public double binaryCrossEntropySum(float[] z, float[] y, int len) {
        begin();
        double r = k.binaryCrossEntropySum(z, y, len);
        end("binaryCrossEntropySum " + len);
        return r;
    }

    @Override
    public double softmaxCrossEntropySum(float[] z, float[] y, int n, int kk) {
        begin();
        double r = k.softmaxCrossEntropySum(z, y, n, kk);
        end("softmaxCrossEntropySum " + n + "x" + kk);
        return r;
    }

    @Override
    public void close() {
        k.close();
    }
}
