package mnist.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The SIMD kernels' inline polynomial exp (through {@link Kernels#exp}) against the same loop calling
 * {@code VectorOperators.EXP} (Intel SVML, out of line in C2; a per-lane Math.exp in the interpreter and
 * C1, so its bits depend on the JIT tier), over {@code len} floats in [-8, 8].
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class ExpBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Param({"4096", "3840000"})
    public int len;

    private Kernels kernels;
    private float[] x, y;

    @Setup(Level.Trial)
    public void setup() {
        kernels = Kernels.create(Backend.SIMD, 1);
        x = Data.uniform(new SplittableRandom(4), len, -8, 8);
        y = new float[len];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public float[] polynomial() {
        kernels.exp(y, x, len);
        return y;
    }

    @Benchmark
    public float[] svml() {
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        for (; i < len; i++) {
            y[i] = (float) Math.exp(x[i]);
        }
        return y;
    }
}
