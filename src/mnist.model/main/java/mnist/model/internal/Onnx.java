package mnist.model.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mnist.math.internal.ConvShape;
import mnist.model.Activation;
import mnist.model.ModelFileException;

/**
 * Writes a model as standard ONNX (opset 13), with no dependency: the graph is written with
 * {@link ProtoWriter} field by field, following {@code onnx.proto}.
 *
 * <p>The graph takes {@code input}, floats in [0, 1] (ink 1), and gives {@code probabilities}:
 * <ul>
 *   <li>a multilayer perceptron takes {@code (N, rows·cols)}: a {@code Gemm} per layer (weights
 *       {@code (out, in)}, {@code transB = 1}), {@code Relu} or {@code Sigmoid} after the hidden ones;</li>
 *   <li>a convolutional network takes {@code (N, channels, rows, cols)}: {@code Conv} and its activation,
 *       {@code MaxPool} (2x2, stride 2), in ONNX's channels-first layout; then a {@code Transpose} to
 *       channels last and a {@code Flatten}, which give the dense layers their inputs in the order ours
 *       keep them (so their weights go out as they are; only the convolutions' weights are reordered,
 *       from ours, {@code (out, k, k, in)}, to ONNX's {@code (out, in, k, k)});</li>
 *   <li>then {@code Softmax} over the classes, or {@code Sigmoid} for a binary model (one output: the
 *       probability of class 1).</li>
 * </ul>
 * Dropout does nothing at inference and is left out. The class names and the model's facts go in the
 * model's metadata ({@code class_names}, one per line, and each metadata key).
 */
public final class Onnx {
    /** ONNX's IR version 7 and operator set 13 (2020), which every current runtime reads. */
    static final long IR_VERSION = 7, OPSET = 13;
    private static final int FLOAT = 1;

    private Onnx() {
    }

    /** The model as an ONNX file's bytes. */
    public static byte[] toBytes(SavedModel model) {
        Network network = model.network();
        float[] p = network.parameters();
        Graph g = new Graph();
        String x = "input";
        boolean front = network.hasFront();
        long[] inputShape = front
                ? new long[] {-1, network.inputChannels(), network.inputHeight(), network.inputWidth()}
                : new long[] {-1, network.inputSize()};
        String act = network.activation() == Activation.SIGMOID ? "Sigmoid" : "Relu";
        int lastHeight = 0, lastWidth = 0, lastChannels = 0;
        for (int s = 0; s < network.stageCount(); s++) {
            Stage stage = network.stage(s);
            if (stage instanceof Stage.Conv conv) {
                ConvShape shape = conv.shape();
                int k = shape.kernel(), in = shape.in(), out = shape.out();
                float[] w = new float[out * in * k * k];     // ours (out, k, k, in) -> ONNX's (out, in, k, k)
                for (int o = 0; o < out; o++) {
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            for (int i = 0; i < in; i++) {
                                w[((o * in + i) * k + u) * k + v] = p[conv.weightOffset() + ((o * k + u) * k + v) * in + i];
                            }
                        }
                    }
                }
                String wName = g.tensor("conv" + s + ".weight", w, out, in, k, k);
                String bName = g.tensor("conv" + s + ".bias", slice(p, conv.biasOffset(), out), out);
                String y = g.node("Conv", List.of(x, wName, bName), "conv" + s,
                        ints("kernel_shape", k, k), ints("pads", shape.pad(), shape.pad(), shape.pad(), shape.pad()),
                        ints("strides", 1, 1));
                x = g.node(act, List.of(y), "conv" + s + "." + act.toLowerCase(java.util.Locale.ROOT));
                lastChannels = out;
                lastHeight = shape.outHeight();
                lastWidth = shape.outWidth();
            } else {
                Stage.Pool pool = (Stage.Pool) stage;
                x = g.node("MaxPool", List.of(x), "pool" + s, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
                lastChannels = pool.channels();
                lastHeight = pool.height() / 2;
                lastWidth = pool.width() / 2;
            }
        }
        if (front) {
            // ours are channels last: (N, C, H, W) -> (N, H, W, C), then one row per sample
            x = g.node("Transpose", List.of(x), "to_channels_last", ints("perm", 0, 2, 3, 1));
            x = g.node("Flatten", List.of(x), "flatten", integer("axis", 1));
            if ((long) lastChannels * lastHeight * lastWidth != network.layer(0).in()) {
                throw new IllegalStateException("the front gives " + lastChannels + "x" + lastHeight + "x" + lastWidth
                        + " values, the first dense layer takes " + network.layer(0).in());
            }
        }
        int last = network.layerCount() - 1;
        for (int l = 0; l <= last; l++) {
            Layer layer = network.layer(l);
            String wName = g.tensor("dense" + l + ".weight", slice(p, layer.weightOffset(), layer.out() * layer.in()),
                    layer.out(), layer.in());
            String bName = g.tensor("dense" + l + ".bias", slice(p, layer.biasOffset(), layer.out()), layer.out());
            x = g.node("Gemm", List.of(x, wName, bName), "dense" + l, integer("transB", 1));
            if (l < last) {
                x = g.node(act, List.of(x), "dense" + l + "." + act.toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (network.output() == Output.SOFTMAX) {
            g.node("Softmax", List.of(x), "probabilities", integer("axis", 1));
        } else {
            g.node("Sigmoid", List.of(x), "probabilities");
        }

        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter node : g.nodes) {
            graph.message(1, node);                                   // GraphProto.node
        }
        graph.string(2, "mnist");                                     // GraphProto.name
        for (ProtoWriter tensor : g.initializers) {
            graph.message(5, tensor);                                 // GraphProto.initializer
        }
        graph.message(11, valueInfo("input", inputShape));           // GraphProto.input
        graph.message(12, valueInfo("probabilities", new long[] {-1, network.outputSize()})); // GraphProto.output

        ProtoWriter m = new ProtoWriter();
        m.int64(1, IR_VERSION);                                       // ModelProto.ir_version
        m.message(8, new ProtoWriter().string(1, "").int64(2, OPSET)); // ModelProto.opset_import
        m.string(2, "mnist");                                         // ModelProto.producer_name
        m.message(7, graph);                                          // ModelProto.graph
        m.message(14, entry("class_names", String.join("\n", model.classNames()))); // ModelProto.metadata_props
        if (model.isBinary()) {
            m.message(14, entry("digit", Integer.toString(model.digit())));
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            if (!e.getKey().equals("class_names") && !e.getKey().equals("digit")) {
                m.message(14, entry(e.getKey(), e.getValue()));
            }
        }
        return m.toBytes();
    }

    /** Writes the model as ONNX to {@code file} atomically (see {@link ModelFile#save}). */
    public static void save(SavedModel model, Path file) throws ModelFileException {
        ModelFile.writeAtomically(toBytes(model), file);
    }

    /** The nodes and initializers of a graph being written, each value named after the node that makes it. */
    private static final class Graph {
        final List<ProtoWriter> nodes = new ArrayList<>();
        final List<ProtoWriter> initializers = new ArrayList<>();

        /** Adds a node whose one output is named {@code name}; returns the name. */
        String node(String op, List<String> inputs, String name, ProtoWriter... attributes) {
            ProtoWriter n = new ProtoWriter();
            for (String in : inputs) {
                n.string(1, in);                                      // NodeProto.input
            }
            n.string(2, name);                                        // NodeProto.output
            n.string(3, name);                                        // NodeProto.name
            n.string(4, op);                                          // NodeProto.op_type
            for (ProtoWriter a : attributes) {
                n.message(5, a);                                      // NodeProto.attribute
            }
            nodes.add(n);
            return name;
        }

        /** Adds a float tensor of the given dimensions (row-major values) as an initializer; returns its name. */
        String tensor(String name, float[] values, long... dims) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            initializers.add(new ProtoWriter()
                    .int64s(1, dims)                                  // TensorProto.dims
                    .int64(2, FLOAT)                                  // TensorProto.data_type
                    .string(8, name)                                  // TensorProto.name
                    .bytes(9, raw.array()));                          // TensorProto.raw_data
            return name;
        }
    }

    private static ProtoWriter ints(String name, long... values) {
        return new ProtoWriter().string(1, name).int64(20, 7).int64s(8, values); // AttributeProto: name, type INTS, ints
    }

    private static ProtoWriter integer(String name, long value) {
        return new ProtoWriter().string(1, name).int64(20, 2).int64(3, value);  // AttributeProto: name, type INT, i
    }

    /** A float tensor's ValueInfoProto; a dimension of -1 is the batch, named N. */
    private static ProtoWriter valueInfo(String name, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            shape.message(1, d < 0 ? new ProtoWriter().string(2, "N") : new ProtoWriter().int64(1, d)); // Dimension
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape); // TypeProto.Tensor
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    private static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);    // StringStringEntryProto
    }

    private static float[] slice(float[] p, int from, int length) {
        return java.util.Arrays.copyOfRange(p, from, from + length);
    }

    // ---- reading ------------------------------------------------------------------------------------

    /** The operators {@link #read} understands. */
    static final List<String> SUPPORTED = List.of("Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Softmax", "Conv", "MaxPool",
            "Flatten", "Reshape", "Transpose", "Dropout", "Identity", "Constant");

    private record Tensor(long[] dims, float[] floats, long[] ints) {
        long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    private record Attr(long i, float f, long[] ints, Tensor t) {
    }

    private record Node(String op, List<String> inputs, List<String> outputs, Map<String, Attr> attrs) {
        long i(String name, long otherwise) {
            Attr a = attrs.get(name);
            return a == null ? otherwise : a.i();
        }

        long[] ints(String name) {
            Attr a = attrs.get(name);
            return a == null ? null : a.ints();
        }
    }

    /**
     * Reads an ONNX model that is a chain of the operators mnist runs ({@link #SUPPORTED}: dense layers
     * as Gemm or MatMul + Add, Relu or Sigmoid, Conv with 'same' or no padding, 2x2 MaxPool, Flatten or
     * Reshape to rows, Softmax or a binary Sigmoid at the end; Dropout and Identity pass through), as
     * {@link #toBytes} writes and as PyTorch's {@code torch.onnx.export} writes such networks; anything
     * else is refused by name. A graph that ends with a dense layer (logits) is read as its softmax.
     */
    public static SavedModel read(byte[] bytes, String name) throws ModelFileException {
        try {
            return readGraph(bytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFileException(name, "ONNX model: " + e.getMessage(), e);
        }
    }

    private static SavedModel readGraph(byte[] bytes) {
        ProtoReader model = new ProtoReader(bytes);
        ProtoReader graph = null;
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        String producer = "unknown";
        while (model.next()) {
            switch (model.field()) {
                case 7 -> graph = model.message();
                case 2 -> producer = model.string();
                case 8 -> {
                    ProtoReader opset = model.message();
                    String domain = "";
                    while (opset.next()) {
                        if (opset.field() == 1) {
                            domain = opset.string();
                        } else {
                            opset.skip();
                        }
                    }
                    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                        throw new IllegalArgumentException("operators of the domain '" + domain + "' are not supported");
                    }
                }
                case 14 -> {
                    ProtoReader entry = model.message();
                    String key = "", value = "";
                    while (entry.next()) {
                        if (entry.field() == 1) {
                            key = entry.string();
                        } else if (entry.field() == 2) {
                            value = entry.string();
                        } else {
                            entry.skip();
                        }
                    }
                    metadata.put(key, value);
                }
                default -> model.skip();
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("no graph");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> constants = new java.util.HashMap<>();
        List<String> inputNames = new ArrayList<>();
        Map<String, long[]> inputShapes = new java.util.HashMap<>();
        List<String> outputs = new ArrayList<>();
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> nodes.add(node(graph.message()));
                case 5 -> {
                    ProtoReader t = graph.message();
                    String[] tensorName = new String[1];
                    Tensor tensor = tensor(t, tensorName);
                    constants.put(tensorName[0], tensor);
                }
                case 11 -> {
                    String[] valueName = new String[1];
                    long[] shape = valueInfo(graph.message(), valueName);
                    inputNames.add(valueName[0]);
                    inputShapes.put(valueName[0], shape);
                }
                case 12 -> {
                    String[] valueName = new String[1];
                    valueInfo(graph.message(), valueName);
                    outputs.add(valueName[0]);
                }
                default -> graph.skip();
            }
        }
        for (Node n : nodes) {
            if (!SUPPORTED.contains(n.op())) {
                throw new IllegalArgumentException("operator " + n.op() + " is not supported (mnist reads "
                        + String.join(", ", SUPPORTED) + ")");
            }
            if (n.op().equals("Constant")) {
                Attr value = n.attrs().get("value");
                if (value == null || value.t() == null || n.outputs().size() != 1) {
                    throw new IllegalArgumentException("a Constant without a tensor 'value'");
                }
                constants.put(n.outputs().getFirst(), value.t());
            }
        }
        List<String> real = inputNames.stream().filter(x -> !constants.containsKey(x)).toList();
        if (real.size() != 1 || outputs.size() != 1) {
            throw new IllegalArgumentException("the graph has " + real.size() + " inputs and " + outputs.size()
                    + " outputs; mnist reads graphs of one input and one output");
        }
        return build(nodes, constants, real.getFirst(), inputShapes.get(real.getFirst()), outputs.getFirst(), metadata, producer);
    }

    /** Walks the chain from the input to the output and builds the network it describes. */
    private static SavedModel build(List<Node> nodes, Map<String, Tensor> constants, String input, long[] inputShape,
                                    String output, Map<String, String> metadata, String producer) {
        int channels, height, width, features;
        if (inputShape != null && inputShape.length == 4) {
            channels = checkedDim(inputShape[1], "input channels");
            height = checkedDim(inputShape[2], "input height");
            width = checkedDim(inputShape[3], "input width");
            features = -1;
        } else if (inputShape != null && inputShape.length == 2) {
            features = checkedDim(inputShape[1], "input features");
            int side = (int) Math.round(Math.sqrt(features));
            if (side * side != features) {
                throw new IllegalArgumentException("an input of " + features + " values is not a square image");
            }
            channels = 1;
            height = side;
            width = side;
        } else {
            throw new IllegalArgumentException("the input must be (N, features) or (N, channels, height, width), not "
                    + (inputShape == null ? "of unknown shape" : inputShape.length + "-dimensional"));
        }
        int c = channels, h = height, w = width;
        boolean channelsLast = false;
        boolean flat = features >= 0;
        int[] pendingPermutation = null;     // for the first dense layer after a channels-first flatten
        StringBuilder spec = new StringBuilder();
        List<float[]> convWeights = new ArrayList<>(), convBiases = new ArrayList<>();
        List<float[]> denseWeights = new ArrayList<>(), denseBiases = new ArrayList<>();
        List<Integer> denseSizes = new ArrayList<>();
        Activation activation = null;
        Output out = Output.SOFTMAX;
        boolean ended = false;
        // who reads each value: a node reads its first input, and an Add either of its two
        Map<String, List<Node>> readers = new java.util.HashMap<>();
        for (Node n : nodes) {
            List<String> read = n.op().equals("Add") ? n.inputs() : n.inputs().isEmpty() ? List.of() : List.of(n.inputs().getFirst());
            for (String v : new java.util.LinkedHashSet<>(read)) {
                readers.computeIfAbsent(v, key -> new ArrayList<>()).add(n);
            }
        }
        String cur = input;
        int guard = 0;
        while (!cur.equals(output)) {
            if (++guard > nodes.size()) {
                throw new IllegalArgumentException("the graph is not a chain from its input to its output");
            }
            Node n = consumer(readers, cur);
            if (ended) {
                throw new IllegalArgumentException(n.op() + " after the output layer");
            }
            switch (n.op()) {
                case "Dropout", "Identity" -> { }
                case "Relu", "Sigmoid" -> {
                    Activation a = n.op().equals("Relu") ? Activation.RELU : Activation.SIGMOID;
                    boolean afterLastDense = !denseSizes.isEmpty() && n.outputs().getFirst().equals(output)
                            && a == Activation.SIGMOID;
                    if (afterLastDense) {
                        if (denseSizes.getLast() != 1) {
                            throw new IllegalArgumentException("a Sigmoid output over " + denseSizes.getLast()
                                    + " classes (mnist's binary models have one output)");
                        }
                        out = Output.SIGMOID;
                        ended = true;
                    } else {
                        if (activation != null && activation != a) {
                            throw new IllegalArgumentException("both Relu and Sigmoid as hidden activations");
                        }
                        activation = a;
                    }
                }
                case "Conv" -> {
                    if (flat) {
                        throw new IllegalArgumentException("a Conv after the flatten");
                    }
                    Tensor wt = constant(constants, n, 1, "Conv weights");
                    if (wt.dims().length != 4 || wt.dims()[1] != c || wt.dims()[2] != wt.dims()[3]) {
                        throw new IllegalArgumentException("Conv weights of shape " + java.util.Arrays.toString(wt.dims())
                                + " on " + c + " channels (mnist runs square kernels)");
                    }
                    if (n.i("group", 1) != 1 || !allEqual(n.ints("strides"), 1) || !allEqual(n.ints("dilations"), 1)) {
                        throw new IllegalArgumentException("a Conv with groups, strides or dilations (mnist runs stride 1)");
                    }
                    int o = (int) wt.dims()[0], k = (int) wt.dims()[2];
                    long[] pads = n.ints("pads");
                    int pad = pads == null ? 0 : (int) pads[0];
                    if (pads != null && !allEqual(pads, pad)) {
                        throw new IllegalArgumentException("a Conv with uneven padding " + java.util.Arrays.toString(pads));
                    }
                    if (pad != 0 && (k % 2 == 0 || pad != k / 2)) {
                        throw new IllegalArgumentException("a Conv of " + k + "x" + k + " with padding " + pad
                                + " (mnist runs none, or " + k / 2 + " for 'same' with an odd kernel)");
                    }
                    float[] ours = new float[o * k * k * c];
                    for (int oo = 0; oo < o; oo++) {
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                for (int i = 0; i < c; i++) {
                                    ours[((oo * k + u) * k + v) * c + i] = wt.floats()[((oo * c + i) * k + u) * k + v];
                                }
                            }
                        }
                    }
                    convWeights.add(ours);
                    convBiases.add(n.inputs().size() > 2 ? vector(constant(constants, n, 2, "Conv bias"), o) : new float[o]);
                    spec.append(spec.isEmpty() ? "" : ",").append("conv").append(k).append('x').append(o)
                            .append(pad == 0 && k > 1 ? ":valid" : "");
                    c = o;
                    h = h + 2 * pad - k + 1;
                    w = w + 2 * pad - k + 1;
                }
                case "MaxPool" -> {
                    if (!java.util.Arrays.equals(n.ints("kernel_shape"), new long[] {2, 2})
                            || !java.util.Arrays.equals(n.ints("strides"), new long[] {2, 2})
                            || (n.ints("pads") != null && !allEqual(n.ints("pads"), 0)) || n.i("ceil_mode", 0) != 0) {
                        throw new IllegalArgumentException("a MaxPool other than 2x2 with stride 2 and no padding");
                    }
                    spec.append(spec.isEmpty() ? "" : ",").append("pool2");
                    h /= 2;
                    w /= 2;
                }
                case "Transpose" -> {
                    if (flat || !java.util.Arrays.equals(n.ints("perm"), new long[] {0, 2, 3, 1})) {
                        throw new IllegalArgumentException("a Transpose other than to channels last before the flatten");
                    }
                    channelsLast = true;
                }
                case "Flatten", "Reshape" -> {
                    if (n.op().equals("Flatten") && n.i("axis", 1) != 1) {
                        throw new IllegalArgumentException("a Flatten on axis " + n.i("axis", 1));
                    }
                    if (n.op().equals("Reshape")) {
                        Tensor shape = constant(constants, n, 1, "Reshape's shape");
                        if (shape.ints() == null || shape.ints().length != 2) {
                            throw new IllegalArgumentException("a Reshape to other than rows");
                        }
                    }
                    if (!flat) {
                        features = Math.multiplyExact(c, Math.multiplyExact(h, w));
                        if (!channelsLast && c > 1) {
                            // ONNX's rows are (channel, row, column); ours are (row, column, channel)
                            pendingPermutation = new int[features];
                            for (int ch = 0; ch < c; ch++) {
                                for (int r = 0; r < h; r++) {
                                    for (int col = 0; col < w; col++) {
                                        pendingPermutation[(r * w + col) * c + ch] = (ch * h + r) * w + col;
                                    }
                                }
                            }
                        }
                        flat = true;
                    }
                }
                case "Gemm", "MatMul" -> {
                    if (!flat) {
                        throw new IllegalArgumentException(n.op() + " before the flatten");
                    }
                    Tensor b = constant(constants, n, 1, n.op() + " weights");
                    boolean transposed = n.op().equals("Gemm") && n.i("transB", 0) == 1;
                    if (n.op().equals("Gemm") && (n.i("transA", 0) != 0 || n.attrs().containsKey("alpha")
                            && n.attrs().get("alpha").f() != 1f || n.attrs().containsKey("beta") && n.attrs().get("beta").f() != 1f)) {
                        throw new IllegalArgumentException("a Gemm with transA, alpha or beta");
                    }
                    if (b.dims().length != 2) {
                        throw new IllegalArgumentException(n.op() + " weights of " + b.dims().length + " dimensions");
                    }
                    int in = (int) (transposed ? b.dims()[1] : b.dims()[0]), o = (int) (transposed ? b.dims()[0] : b.dims()[1]);
                    if (in != features) {
                        throw new IllegalArgumentException(n.op() + " takes " + in + " inputs where the layer below gives " + features);
                    }
                    float[] ours = new float[o * in];
                    for (int oo = 0; oo < o; oo++) {
                        for (int j = 0; j < in; j++) {
                            int src = pendingPermutation == null ? j : pendingPermutation[j];
                            ours[oo * in + j] = transposed ? b.floats()[oo * in + src] : b.floats()[src * o + oo];
                        }
                    }
                    pendingPermutation = null;
                    float[] bias = new float[o];
                    if (n.op().equals("Gemm") && n.inputs().size() > 2) {
                        bias = vector(constant(constants, n, 2, "Gemm bias"), o);
                    } else if (n.op().equals("MatMul")) {
                        Node add = consumer(readers, n.outputs().getFirst());
                        if (add.op().equals("Add")) {
                            int which = add.inputs().get(0).equals(n.outputs().getFirst()) ? 1 : 0;
                            Tensor t = constants.get(add.inputs().get(which));
                            if (t == null) {
                                throw new IllegalArgumentException("an Add of two computed values");
                            }
                            bias = vector(t, o);
                            n = add;
                        }
                    }
                    denseWeights.add(ours);
                    denseBiases.add(bias);
                    denseSizes.add(o);
                    features = o;
                }
                case "Softmax" -> {
                    long axis = n.i("axis", -1);
                    if (!n.outputs().getFirst().equals(output) || (axis != 1 && axis != -1) || denseSizes.isEmpty()) {
                        throw new IllegalArgumentException("a Softmax other than over the classes at the end");
                    }
                    ended = true;
                }
                case "Add" -> throw new IllegalArgumentException("an Add that is not a MatMul's bias");
                default -> throw new IllegalArgumentException("operator " + n.op() + " in the chain");
            }
            cur = n.outputs().getFirst();
        }
        if (denseSizes.isEmpty()) {
            throw new IllegalArgumentException("no dense layer (Gemm or MatMul) for the classes");
        }
        int classes = denseSizes.getLast();
        Activation a = activation == null ? Activation.RELU : activation;
        Network network;
        if (spec.isEmpty()) {
            int[] sizes = new int[denseSizes.size() + 1];
            sizes[0] = height * width * channels;
            for (int l = 0; l < denseSizes.size(); l++) {
                sizes[l + 1] = denseSizes.get(l);
            }
            network = new Network(sizes, a, out);
        } else {
            for (int l = 0; l + 1 < denseSizes.size(); l++) {
                spec.append(",dense").append(denseSizes.get(l));
            }
            network = Network.parse(spec.toString(), channels, height, width, classes, a);
            if (out != network.output()) {
                throw new IllegalArgumentException("a convolutional network with a binary output");
            }
        }
        float[] p = network.parameters();
        int conv = 0;
        for (int s = 0; s < network.stageCount(); s++) {
            if (network.stage(s) instanceof Stage.Conv cv) {
                System.arraycopy(convWeights.get(conv), 0, p, cv.weightOffset(), convWeights.get(conv).length);
                System.arraycopy(convBiases.get(conv), 0, p, cv.biasOffset(), convBiases.get(conv).length);
                conv++;
            }
        }
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            if (layer.out() * layer.in() != denseWeights.get(l).length) {
                throw new IllegalArgumentException("dense layer " + l + " does not fit the layers below it");
            }
            System.arraycopy(denseWeights.get(l), 0, p, layer.weightOffset(), denseWeights.get(l).length);
            System.arraycopy(denseBiases.get(l), 0, p, layer.biasOffset(), layer.out());
        }
        List<String> names = new ArrayList<>();
        String stored = metadata.remove("class_names");
        int digit = -1;
        if (out == Output.SIGMOID) {
            String d = metadata.remove("digit");
            if (d == null || !d.matches("[0-9]")) {
                throw new IllegalArgumentException("a binary model needs its digit (0..9) in the metadata 'digit'");
            }
            digit = Integer.parseInt(d);
            names = List.of("not " + digit, Integer.toString(digit));
        } else if (stored != null && stored.split("\n", -1).length == classes) {
            names = List.of(stored.split("\n", -1));
        } else {
            for (int k = 0; k < classes; k++) {
                names.add(Integer.toString(k));
            }
        }
        metadata.put("format", "ONNX from " + producer);
        return new SavedModel(network, height, width, SavedModel.MNIST_PIXEL_SCALE, digit, names, metadata);
    }

    private static Node consumer(Map<String, List<Node>> readers, String value) {
        List<Node> found = readers.getOrDefault(value, List.of());
        if (found.size() > 1) {
            throw new IllegalArgumentException("the value " + value + " feeds " + found.size() + " nodes (mnist reads chains)");
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("nothing reads the value " + value + " on the way to the output");
        }
        return found.getFirst();
    }

    private static Tensor constant(Map<String, Tensor> constants, Node n, int index, String what) {
        if (n.inputs().size() <= index || !constants.containsKey(n.inputs().get(index))) {
            throw new IllegalArgumentException(what + " must be an initializer or a Constant");
        }
        return constants.get(n.inputs().get(index));
    }

    private static float[] vector(Tensor t, int length) {
        if (t.floats() == null || t.size() != length) {
            throw new IllegalArgumentException("a bias of " + t.size() + " values for " + length + " outputs");
        }
        return t.floats();
    }

    private static boolean allEqual(long[] values, long v) {
        if (values == null) {
            return true;
        }
        for (long x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    private static int checkedDim(long d, String what) {
        if (d < 1 || d > 65536) {
            throw new IllegalArgumentException(what + " of " + (d < 0 ? "unknown size" : d));
        }
        return (int) d;
    }

    private static Node node(ProtoReader r) {
        String op = null;
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        Map<String, Attr> attrs = new java.util.HashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 4 -> op = r.string();
                case 7 -> {
                    String domain = r.string();
                    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                        throw new IllegalArgumentException("an operator of the domain '" + domain + "'");
                    }
                }
                case 5 -> {
                    ProtoReader a = r.message();
                    String name = null;
                    long i = 0;
                    float f = 0;
                    Tensor t = null;
                    List<Long> ints = new ArrayList<>();
                    while (a.next()) {
                        switch (a.field()) {
                            case 1 -> name = a.string();
                            case 2 -> f = a.float32();
                            case 3 -> i = a.int64();
                            case 5 -> t = tensor(a.message(), new String[1]);
                            case 8 -> {
                                for (long v : a.int64s()) {
                                    ints.add(v);
                                }
                            }
                            default -> a.skip();
                        }
                    }
                    if (name != null) {
                        attrs.put(name, new Attr(i, f, ints.isEmpty() ? null : ints.stream().mapToLong(Long::longValue).toArray(), t));
                    }
                }
                default -> r.skip();
            }
        }
        if (op == null || outputs.isEmpty()) {
            throw new IllegalArgumentException("a node without an operator or an output");
        }
        return new Node(op, inputs, outputs, attrs);
    }

    /** A float (or int64, for shapes) tensor, its data in raw_data, float_data or int64_data; its name in name[0]. */
    private static Tensor tensor(ProtoReader r, String[] name) {
        List<Long> dims = new ArrayList<>();
        long type = 0;
        byte[] raw = null;
        float[] floats = null;
        int nf = 0;
        List<Long> ints = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    for (long d : r.int64s()) {
                        dims.add(d);
                    }
                }
                case 2 -> type = r.int64();
                case 8 -> name[0] = r.string();
                case 9 -> raw = r.bytes();
                case 4 -> {
                    if (r.wireType() == 5) {
                        floats = floats == null ? new float[16] : floats;
                        if (nf == floats.length) {
                            floats = java.util.Arrays.copyOf(floats, nf * 2);
                        }
                        floats[nf++] = r.float32();
                    } else {
                        byte[] packed = r.bytes();
                        java.nio.FloatBuffer fb = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                        float[] more = new float[fb.remaining()];
                        fb.get(more);
                        floats = floats == null ? new float[0] : java.util.Arrays.copyOf(floats, nf);
                        floats = java.util.Arrays.copyOf(floats, nf + more.length);
                        System.arraycopy(more, 0, floats, nf, more.length);
                        nf += more.length;
                    }
                }
                case 7 -> {
                    for (long v : r.int64s()) {
                        ints.add(v);
                    }
                }
                case 13, 14 -> throw new IllegalArgumentException("tensor " + name[0] + " keeps its data in an external file");
                default -> r.skip();
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long size = 1;
        for (long x : d) {
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + name[0] + " has a dimension of " + x);
            }
            size = Math.multiplyExact(size, x);
        }
        if (type == FLOAT) {
            if (raw != null) {
                if (raw.length != size * 4) {
                    throw new IllegalArgumentException("tensor " + name[0] + " holds " + raw.length + " bytes for " + size + " floats");
                }
                floats = new float[(int) size];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
            } else {
                if (nf != size) {
                    throw new IllegalArgumentException("tensor " + name[0] + " holds " + nf + " floats for " + size);
                }
                floats = floats == null ? new float[0] : java.util.Arrays.copyOf(floats, nf);
            }
            for (float f : floats) {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("tensor " + name[0] + " holds " + f);
                }
            }
            return new Tensor(d, floats, null);
        }
        if (type == 7) {  // INT64, for shapes
            long[] values;
            if (raw != null) {
                if (raw.length != size * 8) {
                    throw new IllegalArgumentException("tensor " + name[0] + " holds " + raw.length + " bytes for " + size + " int64s");
                }
                values = new long[(int) size];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            } else {
                values = ints.stream().mapToLong(Long::longValue).toArray();
            }
            return new Tensor(d, null, values);
        }
        throw new IllegalArgumentException("tensor " + name[0] + " of data type " + type + " (mnist reads float32)");
    }

    /** A value's shape, -1 for a named or unknown dimension; its name in name[0]. */
    private static long[] valueInfo(ProtoReader r, String[] name) {
        long[] shape = null;
        while (r.next()) {
            if (r.field() == 1) {
                name[0] = r.string();
            } else if (r.field() == 2) {
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() == 1) {
                        ProtoReader tensorType = type.message();
                        while (tensorType.next()) {
                            if (tensorType.field() == 2) {
                                ProtoReader s = tensorType.message();
                                List<Long> dims = new ArrayList<>();
                                while (s.next()) {
                                    if (s.field() == 1) {
                                        ProtoReader dim = s.message();
                                        long v = -1;
                                        while (dim.next()) {
                                            if (dim.field() == 1) {
                                                v = dim.int64();
                                            } else {
                                                dim.skip();
                                            }
                                        }
                                        dims.add(v);
                                    } else {
                                        s.skip();
                                    }
                                }
                                shape = dims.stream().mapToLong(Long::longValue).toArray();
                            } else {
                                tensorType.skip();
                            }
                        }
                    } else {
                        type.skip();
                    }
                }
            } else {
                r.skip();
            }
        }
        if (name[0] == null) {
            throw new IllegalArgumentException("a graph input or output without a name");
        }
        return shape;
    }
}
