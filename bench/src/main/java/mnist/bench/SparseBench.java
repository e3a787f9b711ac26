package mnist.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.internal.SparseBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first layer on sparse inputs against the dense GEMMs it replaces, on MNIST-like batches (digits:
 * about 19% of the 784 pixels non-zero, in the middle of the image): forward y = x · wᵀ + b and weight
 * gradient dw = dyᵀ · x, each sparse (weights in panels) and dense. Shapes "n:in:out". Run, e.g.
 * {@code java -jar bench/target/benchmarks.jar SparseBench -p shape=128:784:256 -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g", "-XX:ObjectAlignmentInBytes=64"})
public class SparseBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"128:784:256", "60000:784:64"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private int n, in, out;
    private float[] x, w, wp, b, y, dy, dw;
    private SparseBatch sparse;
    private static final int A = Kernels.ALIGNED_START;

    /** Digit-like rows: pixels of the middle 20x20 non-zero with probability 0.38 (about 19% of 784). */
    static float[] digits(SplittableRandom r, int n, int side) {
        float[] x = new float[n * side * side];
        for (int i = 0; i < n; i++) {
            for (int row = 4; row < side - 4; row++) {
                for (int col = 4; col < side - 4; col++) {
                    if (r.nextDouble() < 0.38) {
                        x[i * side * side + row * side + col] = (1 + r.nextInt(255)) / 255f;
                    }
                }
            }
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split(":");
        n = Integer.parseInt(s[0]);
        in = Integer.parseInt(s[1]);
        out = Integer.parseInt(s[2]);
        kernels = Kernels.create(Backend.parse(backend), threads);
        SplittableRandom r = new SplittableRandom(1);
        x = digits(r, n, (int) Math.round(Math.sqrt(in)));
        sparse = SparseBatch.of(x, 0, n, in);
        w = Data.uniform(r, out * in, -0.1f, 0.1f);
        // the panels (and below dw) from Kernels.ALIGNED_START, a cache line's start under the fork's
        // -XX:ObjectAlignmentInBytes=64, as the trainer keeps them and as bin/mnist runs
        wp = new float[A + out * in];
        kernels.packPanels(wp, A, w, 0, out, in);
        b = Data.uniform(r, out, -0.1f, 0.1f);
        dy = Data.uniform(r, n * out, -1, 1);
        y = new float[n * out];
        dw = new float[A + out * in];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public float[] sparseForward() {
        kernels.sparseLinearForward(y, sparse, wp, A, b, 0, out);
        return y;
    }

    @Benchmark
    public float[] denseForward() {
        kernels.linearForward(y, x, 0, w, 0, b, 0, n, in, out);
        return y;
    }

    @Benchmark
    public float[] sparseWeightGrad() {
        kernels.sparseWeightGrad(dw, A, sparse, dy, out, 1f / n);
        return dw;
    }

    @Benchmark
    public float[] denseWeightGrad() {
        kernels.linearWeightGrad(dw, 0, dy, x, 0, n, in, out, 1f / n);
        return dw;
    }

    /** Filling the batch from dense rows, as a trainer does from its images every step. */
    @Benchmark
    public SparseBatch fill() {
        sparse.clear();
        for (int i = 0; i < n; i++) {
            sparse.addRow(x, i * in);
        }
        sparse.finish();
        return sparse;
    }
}
