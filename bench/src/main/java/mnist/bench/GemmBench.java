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
 * The three GEMMs of a dense layer, through the public {@link Kernels} API, the backend a parameter:
 * forward y (n, out) = x (n, in) · wᵀ + b, weight gradient dw (out, in) = dyᵀ · x, input gradient
 * dx (n, in) = dy (n, out) · w. Shapes "n:in:out": the lecture's full batch (60000 through 784-64-10 and
 * 784-1) and minibatches of 32-256 through 784-128-10 and 784-256-128-10. Multiply by 2·n·in·out to get
 * FLOP per operation. Run: see bench/README.md, e.g.
 * {@code java -jar bench/target/benchmarks.jar GemmBench -p shape=60000:784:64 -rf json -rff gemm.json}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class GemmBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"60000:784:64", "60000:64:10", "60000:784:1",
            "32:784:128", "128:784:128", "256:784:128", "128:128:10",
            "32:784:256", "128:784:256", "256:784:256", "128:256:128"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private int n, in, out;
    private float[] x, w, b, y, dy, dw, dx;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split(":");
        n = Integer.parseInt(s[0]);
        in = Integer.parseInt(s[1]);
        out = Integer.parseInt(s[2]);
        kernels = Kernels.create(Backend.parse(backend), threads);
        SplittableRandom r = new SplittableRandom(1);
        x = Data.uniform(r, n * in, 0, 1);
        w = Data.uniform(r, out * in, -0.1f, 0.1f);
        b = Data.uniform(r, out, -0.1f, 0.1f);
        dy = Data.uniform(r, n * out, -1, 1);
        y = new float[n * out];
        dw = new float[out * in];
        dx = new float[n * in];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public float[] forward() {
        kernels.linearForward(y, x, 0, w, 0, b, 0, n, in, out);
        return y;
    }

    @Benchmark
    public float[] weightGrad() {
        kernels.linearWeightGrad(dw, 0, dy, x, 0, n, in, out, 1f / n);
        return dw;
    }

    @Benchmark
    public float[] inputGrad() {
        kernels.linearInputGrad(dx, dy, w, 0, n, in, out);
        return dx;
    }
}
