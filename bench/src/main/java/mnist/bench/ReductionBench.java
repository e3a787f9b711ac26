package mnist.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
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
 * Reductions and losses over "rows:cols": sum, dot, the bias gradient (column sums), the softmax
 * cross-entropy over rows of 10 classes and the binary cross-entropy of rows·cols logits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class ReductionBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"60000:64", "128:256"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private int rows, cols, len;
    private float[] x, t, db, logits, oneHot;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split(":");
        rows = Integer.parseInt(s[0]);
        cols = Integer.parseInt(s[1]);
        len = rows * cols;
        kernels = Kernels.create(Backend.parse(backend), threads);
        SplittableRandom r = new SplittableRandom(3);
        x = Data.uniform(r, len, -8, 8);
        t = Data.uniform(r, len, 0, 1);
        db = new float[cols];
        logits = Data.uniform(r, rows * 10, -8, 8);
        oneHot = Data.oneHot(r, rows, 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public double sum() {
        return kernels.sum(x, len);
    }

    @Benchmark
    public double dot() {
        return kernels.dot(x, t, len);
    }

    @Benchmark
    public float[] biasGrad() {
        kernels.linearBiasGrad(db, 0, x, rows, cols, 1f / rows);
        return db;
    }

    @Benchmark
    public double softmaxCrossEntropy10() {
        return kernels.softmaxCrossEntropySum(logits, oneHot, rows, 10);
    }

    @Benchmark
    public double binaryCrossEntropy() {
        return kernels.binaryCrossEntropySum(x, t, len);
    }
}
