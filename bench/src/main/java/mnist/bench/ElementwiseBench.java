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
 * Element-wise kernels on activations of shape "rows:cols" (the hidden layer of 784-64-10 over the full
 * batch, 60000:64, and a minibatch layer, 128:256): sigmoid, its backward, exp, the gradient step, and
 * softmax over rows of 10 classes. Divide rows·cols by the time for elements per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class ElementwiseBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"60000:64", "128:256"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private int rows, len, classRows;
    private float[] z, a, da, dz, w, g, logits, probs;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split(":");
        rows = Integer.parseInt(s[0]);
        len = rows * Integer.parseInt(s[1]);
        classRows = rows;
        kernels = Kernels.create(Backend.parse(backend), threads);
        SplittableRandom r = new SplittableRandom(2);
        z = Data.uniform(r, len, -8, 8);
        a = new float[len];
        da = Data.uniform(r, len, -1, 1);
        dz = new float[len];
        w = Data.uniform(r, len, -1, 1);
        g = Data.uniform(r, len, -1e-30f, 1e-30f);
        logits = Data.uniform(r, rows * 10, -8, 8);
        probs = new float[rows * 10];
        kernels.sigmoid(a, z, len);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public float[] sigmoid() {
        kernels.sigmoid(dz, z, len);
        return dz;
    }

    @Benchmark
    public float[] sigmoidBackward() {
        kernels.sigmoidBackward(dz, da, a, len);
        return dz;
    }

    @Benchmark
    public float[] exp() {
        kernels.exp(dz, z, len);
        return dz;
    }

    @Benchmark
    public float[] sgdStep() {
        kernels.sgdStep(w, 0, g, 0, 1e-30f, len);
        return w;
    }

    /** Softmax over rows of 10 classes (rows as in the shape). */
    @Benchmark
    public float[] softmax10() {
        kernels.softmax(probs, logits, classRows, 10);
        return probs;
    }
}
