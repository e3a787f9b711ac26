package mnist.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mnist.math.ConvShape;

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
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            if (!e.getKey().equals("class_names")) {
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
}
