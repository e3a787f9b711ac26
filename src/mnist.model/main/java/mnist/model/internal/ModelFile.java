package mnist.model.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import mnist.model.Activation;
import mnist.model.ModelFileException;

/**
 * Saves and loads {@link SavedModel}s in our own binary format (never Java serialization).
 *
 * <p>Layout, version 1, all numbers little-endian (the byte order of x86-64 and AArch64), floats IEEE
 * 754 binary32; a string is a u16 byte length then that many bytes of UTF-8:
 * <pre>
 * offset  size  field
 *  0       8    magic "MNISTNN\0" (4D 4E 49 53 54 4E 4E 00)
 *  8       4    u32 format version, 1
 * 12       8    u64 length of the whole file in bytes, checksum included
 * 20       4    u32 S, the number of layer sizes (2..64), input first
 * 24       4·S  u32 layer sizes, each 1..16777216
 *  .       1    hidden activation: 0 sigmoid, 1 relu
 *  .       1    output: 0 sigmoid (one unit, "is it digit d?"), 1 softmax
 *  .       1    digit a sigmoid network recognises (0..9); 255 for softmax
 *  .       1    reserved, 0
 *  .       4    u32 image rows     } rows · cols = the input size
 *  .       4    u32 image columns  }
 *  .       4    f32 pixel scale: a raw pixel p (0..255) is fed as p · scale (1/255 for MNIST)
 *  .       4    u32 C, the number of classes (2 for sigmoid: "not d", "d"; the output size for softmax)
 *  .       C    strings: the class names (each 1..256 bytes)
 *  .       4    u32 M, metadata entries (0..1024)
 *  .       2·M  strings: key (1..256 bytes, unique), value (0..65535 bytes)
 *  .       4    u32 P, the number of parameters (must match the layer sizes)
 *  .       4·P  f32 parameters in {@link Network}'s layout: per layer W (out, in) row-major, then b (out)
 *  end-4   4    u32 CRC32C of every byte before it
 * </pre>
 *
 * <p>Version 2, written for a network with a convolutional front or dropout (a plain multilayer
 * perceptron is still written as version 1, so that older readers load it), has two more fields right
 * after the reserved byte, and its layer sizes are the dense layers', the first being the flattened
 * output of the front:
 * <pre>
 *  .       4    u32 input channels (1..4096); the input is channels x rows x columns
 *  .       .    string: the layers as {@link Network#parse} reads them, e.g. "conv5x16,pool2,dense128"
 * </pre>
 * The network is rebuilt from that string and must agree with the sizes and the parameter count.
 *
 * <p>Loading checks, in order: the magic, the version, the stated length against the real one (so
 * truncation and trailing bytes are named as such), the checksum, then every field against its range,
 * every count against the bytes left, before anything is allocated. A changed byte anywhere is refused.
 */
public final class ModelFile {
    /** The first eight bytes of every model file. */
    static final byte[] MAGIC = {'M', 'N', 'I', 'S', 'T', 'N', 'N', 0};
    /** The format version this code writes, and the newest it reads. */
    public static final int VERSION = 2;

    static final int HEADER = 20;
    static final int MAX_LAYERS = 64;
    static final int MAX_WIDTH = 1 << 24;
    static final int MAX_NAME = 256;
    static final int MAX_METADATA = 1024;
    /** Java arrays stop a little below 2^31. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private ModelFile() {
    }

    // ---- writing -----------------------------------------------------------------------------------

    /** The model as the bytes of a model file. */
    public static byte[] toBytes(SavedModel model) {
        Network network = model.network();
        int[] sizes = network.sizes();
        float[] params = network.parameters();
        List<byte[]> names = new ArrayList<>();
        for (String name : model.classNames()) {
            names.add(utf8(name, 1, MAX_NAME, "class name"));
        }
        List<byte[]> meta = new ArrayList<>();
        if (model.metadata().size() > MAX_METADATA) {
            throw new IllegalArgumentException("at most " + MAX_METADATA + " metadata entries, got " + model.metadata().size());
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            meta.add(utf8(e.getKey(), 1, MAX_NAME, "metadata key"));
            meta.add(utf8(e.getValue(), 0, 0xFFFF, "metadata value"));
        }
        if (sizes.length > MAX_LAYERS) {
            throw new IllegalArgumentException("at most " + MAX_LAYERS + " layer sizes, got " + sizes.length);
        }
        for (int size : sizes) {
            if (size > MAX_WIDTH) {
                throw new IllegalArgumentException("layer size " + size + " is above the format's cap " + MAX_WIDTH);
            }
        }
        byte[] spec = network.isLayered() ? utf8(network.layers(), 0, 0xFFFF, "layers") : null;
        long length = HEADER + 4 + 4L * sizes.length + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4L * params.length + 4
                + (spec == null ? 0 : 4 + 2 + spec.length);
        for (byte[] b : names) {
            length += 2 + b.length;
        }
        for (byte[] b : meta) {
            length += 2 + b.length;
        }
        if (length > MAX_BYTES) {
            throw new IllegalArgumentException("model too large for one file: " + length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(spec == null ? 1 : 2).putLong(length);
        buf.putInt(sizes.length);
        for (int size : sizes) {
            buf.putInt(size);
        }
        buf.put((byte) (network.activation() == Activation.SIGMOID ? 0 : 1));
        buf.put((byte) (network.output() == Output.SIGMOID ? 0 : 1));
        buf.put((byte) (model.isBinary() ? model.digit() : 255));
        buf.put((byte) 0);
        if (spec != null) {
            buf.putInt(network.inputChannels()).putShort((short) spec.length).put(spec);
        }
        buf.putInt(model.rows()).putInt(model.cols()).putFloat(model.pixelScale());
        buf.putInt(names.size());
        for (byte[] b : names) {
            buf.putShort((short) b.length).put(b);
        }
        buf.putInt(meta.size() / 2);
        for (byte[] b : meta) {
            buf.putShort((short) b.length).put(b);
        }
        buf.putInt(params.length);
        buf.asFloatBuffer().put(params);
        buf.position(buf.position() + 4 * params.length);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        assert !buf.hasRemaining();
        return buf.array();
    }

    private static byte[] utf8(String s, int min, int max, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length < min || b.length > max) {
            throw new IllegalArgumentException(what + " '" + s + "' must be " + min + " to " + max + " bytes of UTF-8");
        }
        return b;
    }

    /** Writes the model file to {@code out} (which stays open). */
    public static void write(SavedModel model, OutputStream out) throws IOException {
        out.write(toBytes(model));
    }

    /**
     * Saves the model to {@code file} atomically: the bytes go to a temporary file in the same directory,
     * are forced to disk, and the temporary file is renamed over {@code file} (an atomic move). A crash at
     * any moment leaves either the previous file or the new one, never a mix or a half-written file; on
     * failure the temporary file is removed and the previous file is untouched.
     */
    public static void save(SavedModel model, Path file) throws ModelFileException {
        writeAtomically(toBytes(model), file);
    }

    /** Writes {@code bytes} to {@code file} with {@link AtomicFiles}, naming any failure as a model-file problem. */
    static void writeAtomically(byte[] bytes, Path file) throws ModelFileException {
        try {
            AtomicFiles.write(file, bytes);
        } catch (AtomicMoveNotSupportedException e) {
            throw new ModelFileException(file.toString(), "cannot replace the file atomically on this file system", e);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file.toString(), "directory " + file.toAbsolutePath().getParent() + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new ModelFileException(file.toString(), "permission denied", e);
        } catch (IOException e) {
            throw new ModelFileException(file.toString(), "cannot write: " + e.getMessage(), e);
        }
    }

    // ---- reading -----------------------------------------------------------------------------------

    /** Loads and checks a model file. */
    public static SavedModel load(Path file) throws ModelFileException {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new ModelFileException(name, "is a directory, not a model file");
            }
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, name, size);
            }
        } catch (ModelFileException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new ModelFileException(name, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ModelFileException(name, "permission denied", e);
        } catch (IOException e) {
            throw new ModelFileException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Loads and checks a model file from a stream, read to its end; {@code name} names it in messages. */
    public static SavedModel load(InputStream in, String name) throws ModelFileException {
        try {
            return read(in, name, -1);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads the whole file; {@code knownSize} is the file's size, or -1 for a stream. */
    private static SavedModel read(InputStream in, String name, long knownSize) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        int magicSeen = Math.min(header.length, MAGIC.length);
        if (header.length == 0) {
            throw new ModelFileException(name, "empty file, not an mnist model file");
        }
        if (!Arrays.equals(header, 0, magicSeen, MAGIC, 0, magicSeen)) {
            if (header[0] == 0x08 && (knownSize < 0 || knownSize <= MAX_BYTES)) {
                // an ONNX file starts with its IR version, field 1 as a varint
                byte[] rest = in.readNBytes((int) Math.min(MAX_BYTES, Integer.MAX_VALUE - 8) - header.length + 1);
                if (header.length + rest.length > MAX_BYTES) {
                    throw new ModelFileException(name, "larger than the " + MAX_BYTES + " bytes a model may have");
                }
                byte[] all = Arrays.copyOf(header, header.length + rest.length);
                System.arraycopy(rest, 0, all, header.length, rest.length);
                return Onnx.read(all, name);
            }
            throw new ModelFileException(name, "not an mnist model file (wrong magic bytes), nor an ONNX model");
        }
        if (header.length < HEADER) {
            throw new ModelFileException(name, "truncated: " + header.length + " bytes, too short for a model file header");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long version = Integer.toUnsignedLong(h.getInt(8));
        if (version > VERSION) {
            throw new ModelFileException(name, "model format version " + version
                    + " is newer than this mnist supports (" + VERSION + ")");
        }
        if (version < 1) {
            throw new ModelFileException(name, "model format version " + version + " does not exist (corrupt header)");
        }
        long stated = h.getLong(12);
        if (stated < HEADER + 4 || stated > MAX_BYTES) {
            throw new ModelFileException(name, "corrupt header: it gives an impossible file length " + Long.toUnsignedString(stated));
        }
        if (knownSize >= 0 && knownSize != stated) {
            throw new ModelFileException(name, (knownSize < stated ? "truncated" : "trailing bytes")
                    + " (or a corrupt header): the header gives " + stated + " bytes, the file has " + knownSize);
        }
        byte[] bytes = readBody(in, header, (int) stated, knownSize == stated);
        int got = bytes.length;
        if (got < stated) {
            throw new ModelFileException(name, "truncated (or a corrupt header): the header gives " + stated + " bytes, the file has " + got);
        }
        if (in.read() != -1) {
            throw new ModelFileException(name, "trailing bytes (or a corrupt header): the file is longer than the " + stated + " bytes its header gives");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            throw new ModelFileException(name, "checksum mismatch: the file is corrupt");
        }
        buf.limit(bytes.length - 4).position(HEADER);
        try {
            return parse(buf, name, (int) version);
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(name, "corrupt: a field runs past the end of the file", e);
        }
    }

    /** The first bytes the length of a stream is believed for, before data arrives to confirm it. */
    private static final int FIRST_CHUNK = 1 << 20;

    /**
     * The header followed by the rest of the input, up to {@code stated} bytes in all: shorter if the input
     * ends first. A stream's stated length is not believed for the allocation (a 20-byte stream could claim
     * 2 GB): the array grows as the data arrives. A file's size, checked to match, is.
     */
    private static byte[] readBody(InputStream in, byte[] header, int stated, boolean sizeConfirmed) throws IOException {
        byte[] bytes = new byte[sizeConfirmed ? stated : Math.min(stated, FIRST_CHUNK)];
        System.arraycopy(header, 0, bytes, 0, HEADER);
        int filled = HEADER;
        while (true) {
            filled += in.readNBytes(bytes, filled, bytes.length - filled);
            if (filled < bytes.length || bytes.length == stated) {
                return filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled);
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(stated, 2L * bytes.length));
        }
    }

    /** The body after the header, checksum already verified: still every field is checked. */
    private static SavedModel parse(ByteBuffer buf, String name, int version) throws ModelFileException {
        int layers = count(buf, name, "layer sizes", 2, MAX_LAYERS, 4);
        int[] sizes = new int[layers];
        long parameters = 0;
        for (int l = 0; l < layers; l++) {
            sizes[l] = count(buf, name, "layer size", 1, MAX_WIDTH, 0);
            if (l > 0) {
                parameters += (long) sizes[l - 1] * sizes[l] + sizes[l];
            }
        }
        int activationCode = buf.get() & 0xFF;
        int outputCode = buf.get() & 0xFF;
        int digitCode = buf.get() & 0xFF;
        int reserved = buf.get() & 0xFF;
        if (activationCode > 1) {
            throw new ModelFileException(name, "unknown hidden activation code " + activationCode);
        }
        if (outputCode > 1) {
            throw new ModelFileException(name, "unknown output code " + outputCode);
        }
        if (reserved != 0) {
            throw new ModelFileException(name, "reserved byte is " + reserved + ", expected 0");
        }
        Output output = outputCode == 0 ? Output.SIGMOID : Output.SOFTMAX;
        int digit = output == Output.SOFTMAX ? (digitCode == 255 ? -1 : -2) : (digitCode <= 9 ? digitCode : -2);
        if (digit == -2) {
            throw new ModelFileException(name, "digit code " + digitCode + " does not fit a " + output.name().toLowerCase(java.util.Locale.ROOT) + " output");
        }
        int outputs = sizes[layers - 1];
        if (output == Output.SIGMOID && outputs != 1 || output == Output.SOFTMAX && outputs < 2) {
            throw new ModelFileException(name, "a " + output.name().toLowerCase(java.util.Locale.ROOT) + " output cannot have " + outputs + " units");
        }
        int channels = version >= 2 ? count(buf, name, "input channels", 1, 4096, 0) : 1;
        String spec = version >= 2 ? string(buf, name, "layers", 0, 0xFFFF) : null;
        int rows = count(buf, name, "image rows", 1, MAX_WIDTH, 0);
        int cols = count(buf, name, "image columns", 1, MAX_WIDTH, 0);
        Activation activation = activationCode == 0 ? Activation.SIGMOID : Activation.RELU;
        Network network;
        if (spec == null) {
            if ((long) rows * cols != sizes[0]) {
                throw new ModelFileException(name, "images of " + rows + "x" + cols + " do not fit " + sizes[0] + " inputs");
            }
            network = null;   // made once the parameters are counted
        } else {
            if (output != Output.SOFTMAX) {
                throw new ModelFileException(name, "a layered network (version 2) has a softmax output");
            }
            try {
                // no more parameters than the bytes left could hold, checked before they are allocated
                network = Network.parse(spec, channels, rows, cols, outputs, activation, buf.remaining() / 4);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ModelFileException(name, "layers: " + e.getMessage(), e);   // the message names the layer
            }
            if (!Arrays.equals(network.sizes(), sizes)) {
                throw new ModelFileException(name, "layers '" + spec + "' on " + channels + "x" + rows + "x" + cols
                        + " give dense sizes " + Arrays.toString(network.sizes()) + ", not the stored " + Arrays.toString(sizes));
            }
            parameters = network.parameters().length;
        }
        float scale = buf.getFloat();
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new ModelFileException(name, "pixel scale " + scale + " is not a positive number");
        }
        int classes = output == Output.SIGMOID ? 2 : outputs;
        int classCount = count(buf, name, "classes", 1, Integer.MAX_VALUE, 3);
        if (classCount != classes) {
            throw new ModelFileException(name, classCount + " class names for a network with " + classes + " classes");
        }
        List<String> classNames = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            classNames.add(string(buf, name, "class name", 1, MAX_NAME));
        }
        int entries = count(buf, name, "metadata entries", 0, MAX_METADATA, 4);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int e = 0; e < entries; e++) {
            String key = string(buf, name, "metadata key", 1, MAX_NAME);
            String value = string(buf, name, "metadata value", 0, 0xFFFF);
            if (metadata.put(key, value) != null) {
                throw new ModelFileException(name, "metadata key '" + key + "' appears twice");
            }
        }
        long paramCount = Integer.toUnsignedLong(buf.getInt());
        if (paramCount != parameters) {
            throw new ModelFileException(name, paramCount + " parameters stored, but layers "
                    + Arrays.toString(sizes) + " have " + parameters);
        }
        if (buf.remaining() != 4 * paramCount) {
            throw new ModelFileException(name, "corrupt: " + buf.remaining() + " bytes left for " + paramCount + " parameters");
        }
        if (network == null) {
            network = new Network(sizes, activation, output);
        }
        buf.asFloatBuffer().get(network.parameters());
        float[] params = network.parameters();
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                // A model trained into overflow predicts nothing useful: refuse it rather than answer NaN.
                throw new ModelFileException(name, "parameter " + i + " is " + params[i] + ", not a finite number");
            }
        }
        try {
            return new SavedModel(network, rows, cols, scale, digit, classNames, metadata);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name, e.getMessage(), e);
        }
    }

    /** A u32 within [min, max], also at most what the remaining bytes can hold at {@code bytesEach}. */
    private static int count(ByteBuffer buf, String name, String what, int min, int max, int bytesEach)
            throws ModelFileException {
        long value = Integer.toUnsignedLong(buf.getInt());
        if (value < min || value > max) {
            throw new ModelFileException(name, what + ": " + value + " is outside " + min + ".." + max);
        }
        if (bytesEach > 0 && value * bytesEach > buf.remaining()) {
            throw new ModelFileException(name, what + ": " + value + " do not fit in the " + buf.remaining() + " bytes left");
        }
        return (int) value;
    }

    private static String string(ByteBuffer buf, String name, String what, int min, int max) throws ModelFileException {
        int length = buf.getShort() & 0xFFFF;
        if (length < min || length > max || length > buf.remaining()) {
            throw new ModelFileException(name, what + " of " + length + " bytes is out of range or past the end");
        }
        ByteBuffer slice = buf.slice(buf.position(), length);
        buf.position(buf.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(name, what + " is not valid UTF-8", e);
        }
    }
}
