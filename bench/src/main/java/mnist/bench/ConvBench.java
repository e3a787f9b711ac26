package mnist.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mnist.math.Backend;
import mnist.math.internal.ConvShape;
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
 * The three products of a 2-D convolution layer (stride 1, zero padding), on one thread through the
 * public {@link Kernels} API, the backend a parameter, and 2x2 max-pooling: forward (im2col, then the
 * dense forward over its rows), input gradient (the dense input gradient, then col2im) and weight
 * gradient (the dense weight and bias gradients over the unrolled rows) of a batch, channels last, as
 * the trainer runs them; {@code im2col} alone shows what the unrolling costs; the direct kernels (for an
 * image's few channels, without the unrolling) beside them. Shapes "n:in:height:out:kernel:pad" (square
 * images): the first two layers of a small MNIST CNN (28x28, 5x5, 'same'). Multiply by
 * 2·n·out·in·kernel²·outHeight² for FLOP per operation. Run:
 * {@code java -jar bench/target/benchmarks.jar ConvBench -p shape=16:1:28:32:5:2 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class ConvBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"16:1:28:32:5:2", "16:32:14:64:5:2", "64:1:28:16:5:0"})
    public String shape;

    private Kernels kernels;
    private ConvShape s;
    private int n;
    private float[] x, w, b, y, dy, dx, dw, db, pooled, cols, dcols;
    private int[] arg;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split(":");
        n = Integer.parseInt(p[0]);
        int side = Integer.parseInt(p[2]);
        s = new ConvShape(Integer.parseInt(p[1]), side, side, Integer.parseInt(p[3]), Integer.parseInt(p[4]),
                Integer.parseInt(p[5]));
        kernels = Kernels.create(Backend.parse(backend), 1);
        SplittableRandom r = new SplittableRandom(1);
        x = Data.uniform(r, n * s.inSize(), 0, 1);
        w = Data.uniform(r, s.weights(), -0.1f, 0.1f);
        b = Data.uniform(r, s.out(), -0.1f, 0.1f);
        dy = Data.uniform(r, n * s.outSize(), -1, 1);
        y = new float[n * s.outSize()];
        dx = new float[n * s.inSize()];
        dw = new float[s.weights()];
        db = new float[s.out()];
        pooled = new float[n * s.outSize() / 4];
        cols = new float[n * s.positions() * s.terms()];
        dcols = new float[cols.length];
        kernels.im2col(cols, x, s, n, 0, n);
        arg = new int[pooled.length];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public float[] im2col() {
        kernels.im2col(cols, x, s, n, 0, n);
        return cols;
    }

    @Benchmark
    public float[] forward() {
        kernels.im2col(cols, x, s, n, 0, n);
        kernels.linearForward(y, cols, 0, w, 0, b, 0, n * s.positions(), s.terms(), s.out());
        return y;
    }

    @Benchmark
    public float[] inputGrad() {
        kernels.linearInputGrad(dcols, dy, w, 0, n * s.positions(), s.terms(), s.out());
        kernels.col2im(dx, dcols, s, n, 0, n);
        return dx;
    }

    @Benchmark
    public float[] weightGrad() {
        int rows = n * s.positions();
        kernels.linearWeightGrad(dw, 0, dy, cols, 0, rows, s.terms(), s.out(), 1f / n);
        kernels.linearBiasGrad(db, 0, dy, rows, s.out(), 1f / n);
        return dw;
    }

    /** The forward computed from x itself, no unrolled input (what the trainer runs for an image's channels). */
    @Benchmark
    public float[] directForward() {
        kernels.convForward(y, x, w, 0, b, 0, s, n, 0, n);
        return y;
    }

    /** The weight and bias gradients computed from x itself (what the trainer runs for an image's channels). */
    @Benchmark
    public float[] directWeightGrad() {
        kernels.convWeightGrad(dw, 0, dy, x, s, n, 1f / n, 0, s.terms());
        kernels.linearBiasGrad(db, 0, dy, n * s.positions(), s.out(), 1f / n);
        return dw;
    }

    @Benchmark
    public int[] maxPool() {
        kernels.maxPool2(pooled, arg, dy, s.out(), s.outHeight(), s.outWidth(), n, 0, n);
        return arg;
    }
}
