package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import mnist.math.Backend;
import mnist.math.internal.ConvShape;
import mnist.math.internal.Kernels;
import mnist.model.internal.Backprop;
import mnist.model.internal.Network;
import mnist.model.internal.Output;

/**
 * {@code mnist bench}: times each kernel family and a training step on the shapes of the lecture (full
 * batch of 60,000) or of minibatch training, on both backends, without JMH: warm-up first, then
 * {@code --repeats} timed samples, each of as many calls as fill {@code --min-time}; the median and the
 * range of the samples are printed, with the SIMD/scalar ratio of the medians.
 */
final class BenchCommand {
    private static final String NAME = "mnist bench";
    private static final String HELP = """
            Usage: mnist bench [options]

            Times the kernels (GEMMs, element-wise, reductions) and a training step on random data of
            the lecture's shapes or of minibatch training, SIMD and scalar, and prints per benchmark the
            median rate (GFLOP/s for GEMMs and training, million elements/s otherwise) with the range
            over the repeats, and the SIMD/scalar ratio. Speeds vary with the machine's load: compare
            numbers from one run.

            Options:
              --shapes SET     lecture (full batch of 60,000, 784-64-10), minibatch (batches of 32-256,
                               784-128-10 and 784-256-128-10), conv (the convolutions of the CNN
                               recipes, batch 128), all, or tiny (a quick smoke run)            [lecture]
              --backend NAME   simd, scalar or both                                              [both]
              --threads N      worker threads                                           [all cores: %d]
              --repeats N      timed samples per benchmark (the median is reported)              [5]
              --min-time MS    milliseconds per timed sample (at least one call)                 [200]
              --warmup MS      milliseconds of warm-up per benchmark and backend                 [1000]
              --json FILE      also write the results as JSON
              --help           show this help
            """;
    private static final Set<String> VALUED = Set.of("shapes", "backend", "threads", "repeats", "min-time", "warmup", "json");

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** One benchmark: a kernel call (or a training step) on prepared data, and the work it does. */
    private record Case(String family, String name, String shape, String unit, double work,
                        Function<Kernels, Runnable> setup) {
    }

    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, VALUED, Set.of("help"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (options.flag("help")) {
            out.print(HELP.formatted(cores));
            return Main.OK;
        }
        String shapes = options.choice("shapes", "lecture", BenchCommand::shapeSet);
        List<Backend> backends = options.choice("backend", List.of(Backend.SIMD, Backend.SCALAR), BenchCommand::backends);
        int threads = options.integer("threads", cores, 1, 1024);
        int repeats = options.integer("repeats", 5, 1, 1000);
        boolean tiny = shapes.equals("tiny"); // a smoke run: short warm-up and samples unless asked otherwise
        int minMillis = options.integer("min-time", tiny ? 20 : 200, 0, 600_000);
        int warmupMillis = options.integer("warmup", tiny ? 100 : 1000, 0, 600_000);
        Path json = options.has("json") ? Path.of(options.string("json", "")) : null;
        if (json != null) {
            String problem = AtomicFile.problemWriting(json);
            if (problem != null) {
                throw new UsageException(NAME, "--json " + problem);
            }
        }

        List<Case> cases = cases(shapes);
        out.printf("mnist bench: %d benchmarks (%s shapes), %s, %d thread%s, %d repeats of >= %d ms after %d ms of warm-up; %s%n",
                cases.size(), shapes, String.join(" and ", backends.stream().map(Backend::id).toList()), threads,
                threads == 1 ? "" : "s", repeats, minMillis, warmupMillis, vectorInfo());
        out.printf("%-9s %-26s %-22s %-9s %-30s %-30s %s%n", "family", "benchmark", "shape", "unit",
                "simd median [min, max]", "scalar median [min, max]", "simd/scalar");
        out.flush();

        List<Map<String, Object>> results = new ArrayList<>();
        Map<Backend, Kernels> kernels = new LinkedHashMap<>();
        try {
            for (Backend backend : backends) {
                kernels.put(backend, Kernels.create(backend, threads));
            }
            for (Case c : cases) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("family", c.family());
                result.put("name", c.name());
                result.put("shape", c.shape());
                result.put("unit", c.unit());
                result.put("work_per_call", c.work());
                Map<Backend, double[]> rates = new LinkedHashMap<>();
                for (Backend backend : backends) {
                    Runnable call = c.setup().apply(kernels.get(backend));
                    double[] seconds = measure(call, repeats, minMillis * 1e-3, warmupMillis * 1e-3);
                    double[] rate = new double[seconds.length];
                    for (int i = 0; i < seconds.length; i++) {
                        rate[i] = c.work() / seconds[i] / (c.unit().equals("GFLOP/s") ? 1e9 : 1e6);
                    }
                    Arrays.sort(rate);
                    rates.put(backend, rate);
                    Map<String, Object> r = new LinkedHashMap<>();
                    double[] sorted = seconds.clone();
                    Arrays.sort(sorted);
                    r.put("median_seconds", median(sorted));
                    r.put("min_seconds", sorted[0]);
                    r.put("max_seconds", sorted[sorted.length - 1]);
                    r.put("median_rate", median(rate));
                    r.put("min_rate", rate[0]);
                    r.put("max_rate", rate[rate.length - 1]);
                    r.put("seconds", seconds);
                    result.put(backend.id(), r);
                }
                double ratio = rates.containsKey(Backend.SIMD) && rates.containsKey(Backend.SCALAR)
                        ? median(rates.get(Backend.SIMD)) / median(rates.get(Backend.SCALAR)) : Double.NaN;
                result.put("simd_over_scalar", ratio);
                results.add(result);
                StringBuilder perCall = new StringBuilder();
                if (c.family().equals("train")) {
                    for (Backend backend : backends) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> r = (Map<String, Object>) result.get(backend.id());
                        perCall.append(String.format("  %s %.1f ms", backend.id(), (double) r.get("median_seconds") * 1e3));
                    }
                }
                out.printf("%-9s %-26s %-22s %-9s %-30s %-30s %s%s%n", c.family(), c.name(), c.shape(), c.unit(),
                        cell(rates.get(Backend.SIMD)), cell(rates.get(Backend.SCALAR)),
                        Double.isNaN(ratio) ? "-" : String.format("%.1fx", ratio), perCall);
                out.flush();
            }
        } finally {
            kernels.values().forEach(Kernels::close);
        }

        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("version", Version.get());
            doc.put("java", System.getProperty("java.vm.version"));
            doc.put("cores", cores);
            doc.put("threads", threads);
            doc.put("shapes", shapes);
            doc.put("repeats", repeats);
            doc.put("min_time_ms", minMillis);
            doc.put("warmup_ms", warmupMillis);
            doc.put("vector", vectorInfo());
            doc.put("results", results);
            AtomicFile.writeString(json, Json.write(doc));
            out.println("Results written to " + json);
        }
        return Main.OK;
    }

    /** Seconds per call of each of {@code repeats} samples, after warm-up. */
    private static double[] measure(Runnable call, int repeats, double minSeconds, double warmupSeconds) {
        long start = System.nanoTime();
        int calls = 0;
        do {
            call.run();
            calls++;
        } while (calls < 2 || (System.nanoTime() - start) * 1e-9 < warmupSeconds);
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            long n = 0;
            long elapsed;
            do {
                call.run();
                n++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed * 1e-9 < minSeconds);
            seconds[r] = elapsed * 1e-9 / n;
        }
        return seconds;
    }

    private static double median(double[] sorted) {
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static String cell(double[] sortedRates) {
        if (sortedRates == null) {
            return "-";
        }
        return String.format("%.2f [%.2f, %.2f]", median(sortedRates), sortedRates[0], sortedRates[sortedRates.length - 1]);
    }

    private static String vectorInfo() {
        try {
            Class<?> species = Class.forName("jdk.incubator.vector.FloatVector");
            Object preferred = species.getField("SPECIES_PREFERRED").get(null);
            return preferred.toString();
        } catch (ReflectiveOperationException | LinkageError e) {
            return "vector API not available";
        }
    }

    private static String shapeSet(String name) {
        return switch (name) {
            case "lecture", "minibatch", "conv", "all", "tiny" -> name;
            default -> throw new IllegalArgumentException("unknown shape set '" + name
                    + "' (expected lecture, minibatch, conv, all or tiny)");
        };
    }

    private static List<Backend> backends(String name) {
        return name.equals("both") ? List.of(Backend.SIMD, Backend.SCALAR) : List.of(Backend.parse(name));
    }

    // ---- the benchmarks ------------------------------------------------------------------------------

    private static List<Case> cases(String set) {
        List<Case> cases = new ArrayList<>();
        switch (set) {
            case "lecture" -> lecture(cases, 60_000);
            case "minibatch" -> minibatch(cases, new int[] {32, 128, 256});
            case "conv" -> conv(cases, 128);
            case "all" -> {
                lecture(cases, 60_000);
                minibatch(cases, new int[] {32, 128, 256});
                conv(cases, 128);
            }
            case "tiny" -> {
                gemms(cases, 50, 40, 16);
                elementWise(cases, 50, 16, 10);
                cases.add(epoch(new int[] {40, 16, 10}, 50, "step"));
                conv(cases, 2, new ConvShape[] {new ConvShape(3, 8, 8, 4, 3, 1)});
            }
            default -> throw new IllegalStateException(set);
        }
        return cases;
    }

    /** The lecture's shapes: the full training set through 784-64-10 (and the single-unit 784-1). */
    private static void lecture(List<Case> cases, int n) {
        gemms(cases, n, 784, 64);
        gemms(cases, n, 64, 10);
        cases.add(forward(n, 784, 1));
        cases.add(weightGrad(n, 784, 1));
        elementWise(cases, n, 64, 10);
        cases.add(epoch(new int[] {784, 64, 10}, n, "epoch"));
    }

    private static void minibatch(List<Case> cases, int[] batches) {
        for (int b : batches) {
            gemms(cases, b, 784, 128);
            gemms(cases, b, 784, 256);
            gemms(cases, b, 256, 128);
            gemms(cases, b, 128, 10);
        }
        elementWise(cases, 128, 256, 10);
        for (int b : batches) {
            cases.add(epoch(new int[] {784, 128, 10}, b, "step"));
            cases.add(epoch(new int[] {784, 256, 128, 10}, b, "step"));
        }
    }

    /**
     * The convolutions of the CNN recipes on a batch of n, as a step runs them (channels last): forward
     * (im2col, then the dense forward over the unrolled rows; for an image, the direct kernel), input
     * gradient (the dense input gradient, then col2im), weight gradient (the dense weight and bias
     * gradients over the unrolled rows; for an image, the direct kernel and the bias gradient), and the
     * 2x2 max-pooling after each.
     */
    private static void conv(List<Case> cases, int n) {
        conv(cases, n, new ConvShape[] {
            new ConvShape(1, 28, 28, 32, 5, 0),      // cnn: conv5x32:valid
            new ConvShape(32, 12, 12, 64, 3, 0),     // cnn: conv3x64:valid
            new ConvShape(1, 28, 28, 16, 5, 0),      // cnn-fast: conv5x16:valid
            new ConvShape(16, 12, 12, 32, 3, 0),     // cnn-fast: conv3x32:valid
            new ConvShape(1, 28, 28, 16, 5, 2),      // conv5x16 ('same')
            new ConvShape(16, 14, 14, 32, 5, 2),     // conv5x32 ('same') after it
        });
    }

    private static void conv(List<Case> cases, int n, ConvShape[] shapes) {
        for (ConvShape s : shapes) {
            String shape = n + "x" + s.height() + "x" + s.width() + "x" + s.in() + " -> " + s.out() + " k" + s.kernel()
                    + (s.pad() == 0 ? " valid" : " same");
            int rows = n * s.positions();
            double flop = 2.0 * rows * s.terms() * s.out();
            boolean direct = mnist.model.internal.Backprop.direct(s);   // as the trainer runs this shape
            cases.add(new Case("conv", direct ? "forward (direct)" : "forward", shape, "GFLOP/s", flop, k -> {
                float[] x = random(1, n * s.inSize(), 1), w = random(2, s.weights(), 0.1f), b = random(4, s.out(), 0.1f);
                float[] y = new float[n * s.outSize()];
                if (direct) {
                    return () -> k.convForward(y, x, w, 0, b, 0, s, n, 0, n);
                }
                float[] cols = new float[rows * s.terms()];
                return () -> {
                    k.im2col(cols, x, s, n, 0, n);
                    k.linearForward(y, cols, 0, w, 0, b, 0, rows, s.terms(), s.out());
                };
            }));
            if (s.in() > 1) {   // a first layer's input gradient (the image's) is never needed: not timed
                cases.add(new Case("conv", "input grad", shape, "GFLOP/s", flop, k -> {
                    float[] dy = random(3, n * s.outSize(), 1), w = random(2, s.weights(), 0.1f);
                    float[] dcols = new float[rows * s.terms()], dx = new float[n * s.inSize()];
                    return () -> {
                        k.linearInputGrad(dcols, dy, w, 0, rows, s.terms(), s.out());
                        k.col2im(dx, dcols, s, n, 0, n);
                    };
                }));
            }
            cases.add(new Case("conv", direct ? "weight grad (direct)" : "weight grad", shape, "GFLOP/s", flop, k -> {
                float[] dy = random(3, n * s.outSize(), 1), x = random(1, n * s.inSize(), 1);
                float[] dw = new float[s.weights()], db = new float[s.out()];
                if (direct) {
                    return () -> {
                        k.convWeightGrad(dw, 0, dy, x, s, n, 1f / n, 0, s.terms());
                        k.linearBiasGrad(db, 0, dy, rows, s.out(), 1f / n);
                    };
                }
                float[] cols = new float[rows * s.terms()];
                k.im2col(cols, x, s, n, 0, n);
                return () -> {
                    k.linearWeightGrad(dw, 0, dy, cols, 0, rows, s.terms(), s.out(), 1f / n);
                    k.linearBiasGrad(db, 0, dy, rows, s.out(), 1f / n);
                };
            }));
            int c = s.out(), h = s.outHeight(), wd = s.outWidth();
            cases.add(elements("max-pool 2x2", n + "x" + h + "x" + wd + "x" + c, n * c * h * wd, k -> {
                float[] x = random(5, n * c * h * wd, 1), y = new float[n * c * (h / 2) * (wd / 2)];
                int[] arg = new int[y.length];
                return () -> k.maxPool2(y, arg, x, c, h, wd, n, 0, n);
            }));
        }
    }

    private static float[] random(long seed, int len, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (r.nextDouble(-1, 1) * scale);
        }
        return a;
    }

    private static void gemms(List<Case> cases, int n, int in, int out) {
        cases.add(forward(n, in, out));
        cases.add(weightGrad(n, in, out));
        cases.add(new Case("gemm", "input grad dy·w", n + "x" + out + " · " + out + "x" + in, "GFLOP/s",
                2.0 * n * in * out, k -> {
                    float[] dy = random(3, n * out, 1), w = random(2, out * in, 0.1f), dx = new float[n * in];
                    return () -> k.linearInputGrad(dx, dy, w, 0, n, in, out);
                }));
    }

    private static Case forward(int n, int in, int out) {
        return new Case("gemm", "forward x·wT+b", n + "x" + in + " · " + in + "x" + out, "GFLOP/s",
                2.0 * n * in * out, k -> {
                    float[] x = random(1, n * in, 1), w = random(2, out * in, 0.1f), b = random(4, out, 0.1f);
                    float[] y = new float[n * out];
                    return () -> k.linearForward(y, x, 0, w, 0, b, 0, n, in, out);
                });
    }

    private static Case weightGrad(int n, int in, int out) {
        return new Case("gemm", "weight grad dyT·x", out + "x" + n + " · " + n + "x" + in, "GFLOP/s",
                2.0 * n * in * out, k -> {
                    float[] x = random(1, n * in, 1), dy = random(3, n * out, 1), dw = new float[out * in];
                    return () -> k.linearWeightGrad(dw, 0, dy, x, 0, n, in, out, 1f / n);
                });
    }

    /** Element-wise kernels on a hidden layer (n, hidden), softmax and its loss on the output (n, classes). */
    private static void elementWise(List<Case> cases, int n, int hidden, int classes) {
        int len = n * hidden;
        String shape = n + "x" + hidden;
        cases.add(elements("sigmoid", shape, len, k -> {
            float[] z = random(5, len, 8), a = new float[len];
            return () -> k.sigmoid(a, z, len);
        }));
        cases.add(elements("exp", shape, len, k -> {
            float[] z = random(5, len, 8), a = new float[len];
            return () -> k.exp(a, z, len);
        }));
        cases.add(elements("sigmoid backward", shape, len, k -> {
            float[] da = random(5, len, 1), a = random(6, len, 0.5f), dz = new float[len];
            return () -> k.sigmoidBackward(dz, da, a, len);
        }));
        cases.add(elements("sgd step", shape, len, k -> {
            float[] w = random(5, len, 1), g = random(6, len, 1e-30f);
            return () -> k.sgdStep(w, 0, g, 0, 1e-30f, len);
        }));
        int outLen = n * classes;
        String outShape = n + "x" + classes;
        cases.add(elements("softmax", outShape, outLen, k -> {
            float[] z = random(7, outLen, 8), a = new float[outLen];
            return () -> k.softmax(a, z, n, classes);
        }));
        cases.add(new Case("reduce", "softmax cross-entropy", outShape, "Melem/s", outLen, k -> {
            float[] z = random(7, outLen, 8), y = oneHot(n, classes);
            Consumer<Double> sink = BenchCommand::sink;
            return () -> sink.accept(k.softmaxCrossEntropySum(z, y, n, classes));
        }));
        cases.add(new Case("reduce", "bias grad (column sums)", shape, "Melem/s", len, k -> {
            float[] dy = random(3, len, 1), db = new float[hidden];
            return () -> k.linearBiasGrad(db, 0, dy, n, hidden, 1f / n);
        }));
        cases.add(new Case("reduce", "sum", shape, "Melem/s", len, k -> {
            float[] x = random(3, len, 1);
            Consumer<Double> sink = BenchCommand::sink;
            return () -> sink.accept(k.sum(x, len));
        }));
    }

    private static volatile double sinkValue;

    private static void sink(double v) {
        sinkValue = v;
    }

    private static Case elements(String name, String shape, int len, Function<Kernels, Runnable> setup) {
        return new Case("elemwise", name, shape, "Melem/s", len, setup);
    }

    private static float[] oneHot(int n, int classes) {
        float[] y = new float[n * classes];
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            y[i * classes + r.nextInt(classes)] = 1;
        }
        return y;
    }

    /**
     * One step of gradient descent on a batch of n random images (the full training set for the
     * lecture's epoch): forward, loss, backward, update, as FullBatchGradientDescent does it.
     */
    private static Case epoch(int[] sizes, int n, String what) {
        double macs = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            macs += (double) sizes[l] * sizes[l + 1];
        }
        // forward, weight gradient, and the input gradient of every layer but the first
        double flops = 2.0 * n * (3 * macs - (double) sizes[0] * sizes[1]);
        String arch = String.join("-", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
        return new Case("train", what + " " + arch, "batch " + n, "GFLOP/s", flops, k -> {
            Network network = new Network(sizes, Output.SOFTMAX);
            float[] params = network.parameters();
            float[] init = random(9, params.length, 0.05f);
            System.arraycopy(init, 0, params, 0, params.length);
            float[] x = random(10, n * sizes[0], 1);
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]);
            }
            float[] y = oneHot(n, sizes[sizes.length - 1]);
            Backprop backprop = new Backprop(network, k, n);
            float[] grads = new float[params.length];
            Consumer<Double> sink = BenchCommand::sink;
            return () -> {
                backprop.forward(x, 0, n);
                sink.accept(backprop.loss(y, n));
                backprop.backward(x, 0, y, n, grads);
                k.sgdStep(params, 0, grads, 0, 0.1f, params.length);
            };
        });
    }
}
