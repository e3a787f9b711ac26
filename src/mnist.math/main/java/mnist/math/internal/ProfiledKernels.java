package mnist.math.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mnist.math.Backend;

/**
 * {@code mnist train --profile}: the kernels of a backend, each call timed (wall clock, on the calling
 * thread, so a parallel kernel counts once for all its threads) and added up per kernel and shape, to
 * show where the time of a training step goes. Timing costs about 50 ns a call.
 *
 * <p>A {@link #split} is timed as a whole (its wall clock), and inside it the kernels of part 0, the
 * calling thread's share, are timed one by one; those lines are indented in the table, and not added to
 * the total (the split's line holds them).
 *
 * <p>It lives here rather than in the command line that uses it because {@link Kernels} is sealed: the
 * backends and this wrapper are its only implementations.
 */
public final class ProfiledKernels implements Kernels {
    private final Kernels k;
    private final Map<String, long[]> totals;   // name -> {calls, nanos}
    private final ProfiledKernels parent;        // the profile a part's kernels report to, or null
    private final boolean timed;                 // false for the parts after part 0: they only report updates
    private String firstInSplit;                 // the first kernel part 0 called in the current split
    private volatile boolean updatedInSplit;     // whether a part of the current split called the optimizer
    private long start;
    private long t0;

    public ProfiledKernels(Kernels kernels) {
        this.k = kernels;
        this.totals = new LinkedHashMap<>();
        this.parent = null;
        this.timed = true;
    }

    /** A part's kernels inside a split of parent: part 0's timed into parent's table, indented. */
    private ProfiledKernels(Kernels serial, ProfiledKernels parent, boolean timed) {
        this.k = serial;
        this.totals = parent.totals;
        this.parent = parent;
        this.timed = timed;
    }

    private ProfiledKernels[] partKernels = new ProfiledKernels[0];

    /**
     * Times the split as a whole; part 0's kernels one by one (the calling thread's share); a split in
     * which some part calls the optimizer is a training step.
     */
    @Override
    public void split(int parts, Part body) {
        long s = System.nanoTime();
        firstInSplit = null;
        updatedInSplit = false;
        if (partKernels.length < parts) {
            partKernels = java.util.Arrays.copyOf(partKernels, parts);
        }
        ProfiledKernels[] wrapped = partKernels;
        k.split(parts, (part, serial) -> {
            if (wrapped[part] == null || wrapped[part].k != serial) {
                wrapped[part] = new ProfiledKernels(serial, this, part == 0);
            }
            body.run(part, wrapped[part]);
        });
        long dt = System.nanoTime() - s;
        long[] t = totals.computeIfAbsent("split in " + parts + ", from " + firstInSplit + " (wall)", x -> new long[2]);
        t[0]++;
        t[1] += dt;
        if (updatedInSplit) {
            steps++;
        }
    }

    private void begin() {
        t0 = System.nanoTime();
    }

    private void end(String name) {
        if (!timed) {
            return;
        }
        long dt = System.nanoTime() - t0;
        if (parent != null) {
            if (parent.firstInSplit == null) {
                parent.firstInSplit = name;
            }
            name = "  part 0: " + name;
        }
        long[] t = totals.computeIfAbsent(name, x -> new long[2]);
        t[0]++;
        t[1] += dt;
    }

    /** Forgets what was measured so far (the first epoch, while the JIT compiles), and starts the clock. */
    public void reset() {
        totals.clear();
        steps = 0;
        start = System.nanoTime();
    }

    private long steps;

    /**
     * An optimizer call: a step when it is a whole call starting at the first parameter (the lecture's
     * full batch); inside a split, it marks the split as a step (the parts update ranges).
     */
    private void countStep(int off) {
        if (parent != null) {
            parent.updatedInSplit = true;
        } else if (off == 0) {
            steps++;
        }
    }

    /** Prints the table: per kernel and shape, calls per step, microseconds per call and share of the time. */
    public void print(PrintStream out, String title) {
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
            if (!r.getKey().startsWith(" ")) {
                inKernels += us;
            }
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
        countStep(wOff);
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
        countStep(off);
    }

    @Override
    public void adamStep(float[] w, float[] m, float[] v, float[] g, int off, int len, float lr, float beta1, float beta2,
                         float eps, float c1, float c2) {
        begin();
        k.adamStep(w, m, v, g, off, len, lr, beta1, beta2, eps, c1, c2);
        end("adamStep " + len);
        countStep(off);
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
    public void linearForwardRows(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff, int n, int in, int out,
                                  int r0, int r1) {
        begin();
        k.linearForwardRows(y, x, w, wOff, b, bOff, n, in, out, r0, r1);
        end("linearForward " + (r1 - r0) + " of " + n + "x" + in + "->" + out);
    }

    @Override
    public void linearInputGradRows(float[] dx, float[] dy, float[] w, int wOff, int n, int in, int out, int r0, int r1) {
        begin();
        k.linearInputGradRows(dx, dy, w, wOff, n, in, out, r0, r1);
        end("linearInputGrad " + (r1 - r0) + " of " + n + "x" + out + "->" + in);
    }

    @Override
    public void sparseLinearForward(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out,
                                    int r0, int r1) {
        begin();
        k.sparseLinearForward(y, x, wp, wpOff, b, bOff, out, r0, r1);
        end("sparseLinearForward " + (r1 - r0) + " of " + x.rows() + "x" + x.cols() + "->" + out);
    }

    @Override
    public void sparseLinearForwardOutputs(float[] y, SparseBatch x, float[] wp, int wpOff, float[] b, int bOff, int out,
                                           int o0, int o1) {
        begin();
        k.sparseLinearForwardOutputs(y, x, wp, wpOff, b, bOff, out, o0, o1);
        end("sparseLinearForward " + (o1 - o0) + " outputs of " + x.rows() + "x" + x.cols() + "->" + out);
    }

    @Override
    public void softmaxRowsWithLoss(float[] a, double[] loss, float[] z, float[] y, int n, int kk, int r0, int r1) {
        begin();
        k.softmaxRowsWithLoss(a, loss, z, y, n, kk, r0, r1);
        end("softmax and loss " + (r1 - r0) + " of " + n + "x" + kk);
    }

    @Override
    public void softmaxRows(float[] a, float[] z, int n, int kk, int r0, int r1) {
        begin();
        k.softmaxRows(a, z, n, kk, r0, r1);
        end("softmax " + (r1 - r0) + " of " + n + "x" + kk);
    }

    @Override
    public void relu(float[] a, float[] z, int from, int to) {
        begin();
        k.relu(a, z, from, to);
        end("relu " + (to - from));
    }

    @Override
    public void reluBackward(float[] dz, float[] da, float[] a, int from, int to) {
        begin();
        k.reluBackward(dz, da, a, from, to);
        end("reluBackward " + (to - from));
    }

    @Override
    public void sigmoid(float[] a, float[] z, int from, int to) {
        begin();
        k.sigmoid(a, z, from, to);
        end("sigmoid " + (to - from));
    }

    @Override
    public void sigmoidBackward(float[] dz, float[] da, float[] a, int from, int to) {
        begin();
        k.sigmoidBackward(dz, da, a, from, to);
        end("sigmoidBackward " + (to - from));
    }

    @Override
    public void subtract(float[] out, float[] a, float[] b, int from, int to) {
        begin();
        k.subtract(out, a, b, from, to);
        end("subtract " + (to - from));
    }

    @Override
    public void linearWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, int xOff, int n, int in, int out,
                                 float scale, int o0, int o1) {
        begin();
        k.linearWeightGrad(dw, dwOff, dy, x, xOff, n, in, out, scale, o0, o1);
        end("linearWeightGrad " + (o1 - o0) + " of " + n + "x" + in + "->" + out);
    }

    @Override
    public void linearBiasGrad(float[] db, int dbOff, float[] dy, int n, int out, float scale, int o0, int o1) {
        begin();
        k.linearBiasGrad(db, dbOff, dy, n, out, scale, o0, o1);
        end("linearBiasGrad " + (o1 - o0) + " of " + n + "x" + out);
    }

    @Override
    public void sparseWeightGrad(float[] dwp, int dwpOff, SparseBatch x, float[] dy, int out, float scale, int o0, int o1) {
        begin();
        k.sparseWeightGrad(dwp, dwpOff, x, dy, out, scale, o0, o1);
        end("sparseWeightGrad " + (o1 - o0) + " of " + x.rows() + "x" + x.cols() + "->" + out);
    }

    private static String conv(ConvShape s) {
        return s.height() + "x" + s.width() + "x" + s.in() + "->" + s.out() + " k" + s.kernel() + " p" + s.pad();
    }

    @Override
    public void im2col(float[] cols, float[] x, ConvShape s, int n, int r0, int r1) {
        begin();
        k.im2col(cols, x, s, n, r0, r1);
        end("im2col " + (r1 - r0) + " of " + n + "x" + conv(s));
    }

    @Override
    public void col2im(float[] dx, float[] dcols, ConvShape s, int n, int r0, int r1) {
        begin();
        k.col2im(dx, dcols, s, n, r0, r1);
        end("col2im " + (r1 - r0) + " of " + n + "x" + conv(s));
    }

    @Override
    public void convForward(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff, ConvShape s, int n, int r0,
                            int r1) {
        begin();
        k.convForward(y, x, w, wOff, b, bOff, s, n, r0, r1);
        end("convForward " + (r1 - r0) + " of " + n + "x" + conv(s));
    }

    @Override
    public void convWeightGrad(float[] dw, int dwOff, float[] dy, float[] x, ConvShape s, int n, float scale, int t0,
                               int t1) {
        begin();
        k.convWeightGrad(dw, dwOff, dy, x, s, n, scale, t0, t1);
        end("convWeightGrad " + (t1 - t0) + " terms of " + n + "x" + conv(s));
    }

    @Override
    public void maxPool2(float[] y, int[] arg, float[] x, int c, int h, int w, int n, int r0, int r1) {
        begin();
        k.maxPool2(y, arg, x, c, h, w, n, r0, r1);
        end("maxPool2 " + (r1 - r0) + " of " + n + "x" + c + "x" + h + "x" + w);
    }

    @Override
    public void maxPool2Backward(float[] dx, float[] dy, int[] arg, int c, int h, int w, int n, int r0, int r1) {
        begin();
        k.maxPool2Backward(dx, dy, arg, c, h, w, n, r0, r1);
        end("maxPool2Backward " + (r1 - r0) + " of " + n + "x" + c + "x" + h + "x" + w);
    }

    @Override
    public void close() {
        k.close();
    }
}
