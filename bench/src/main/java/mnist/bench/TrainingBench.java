package mnist.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.internal.Backprop;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
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
 * One step of gradient descent (forward, loss, backward, update, as FullBatchGradientDescent does it) on
 * random images: "784-64-10:60000" is one full-batch epoch of the lecture's network; the others are
 * minibatch steps. Parameters are reset before each call's trial only (their drift does not change the
 * amount of work).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class TrainingBench {

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"784-64-10:60000", "784-128-10:128", "784-256-128-10:32", "784-256-128-10:256"})
    public String net;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private Network network;
    private Backprop backprop;
    private float[] x, y, grads;
    private int n;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = net.split(":");
        String[] parts = s[0].split("-");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            sizes[i] = Integer.parseInt(parts[i]);
        }
        n = Integer.parseInt(s[1]);
        kernels = Kernels.create(Backend.parse(backend), threads);
        network = new Network(sizes, Output.SOFTMAX);
        SplittableRandom r = new SplittableRandom(5);
        float[] p = Data.uniform(r, network.parameters().length, -0.05f, 0.05f);
        System.arraycopy(p, 0, network.parameters(), 0, p.length);
        x = Data.uniform(r, n * sizes[0], 0, 1);
        y = Data.oneHot(r, n, sizes[sizes.length - 1]);
        backprop = new Backprop(network, kernels, n);
        grads = new float[p.length];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public double step() {
        backprop.forward(x, 0, n);
        double loss = backprop.loss(y, n);
        backprop.backward(x, 0, y, n, grads);
        kernels.sgdStep(network.parameters(), 0, grads, 0, 0.1f, grads.length);
        return loss;
    }
}
