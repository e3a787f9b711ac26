package mnist.model.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import mnist.model.ModelFileException;

/**
 * A training run stopped between two epochs: the command-line arguments it was started with, the model
 * as it stands, and the {@link TrainerState}. {@code mnist train --checkpoint FILE} writes one after every
 * epoch (atomically, like a model file); {@code --resume FILE} continues from it with the same result
 * as a run that was never interrupted.
 *
 * <p>Layout, little-endian: magic {@code MNISTCK\0}, u32 version, u64 file length, u32 count and that
 * many strings (the arguments; u16 length + UTF-8), u32 length and a whole {@link ModelFile} image, u32
 * epochs done, u32 best epoch, per epoch f64 loss, f64 validation accuracy, f32 learning rate, f64
 * seconds; u32 count and the best parameters (f32); u32 optimizer steps, u32 count of optimizer arrays,
 * each u32 length and f32 values; u32 CRC32C of everything before it.
 */
public record Checkpoint(List<String> arguments, SavedModel model, TrainerState state) {
    static final byte[] MAGIC = {'M', 'N', 'I', 'S', 'T', 'C', 'K', 0};
    public static final int VERSION = 1;
    /** Checkpoints are read whole; no real one comes near this. */
    private static final long MAX_BYTES = 1L << 30;

    public Checkpoint {
        arguments = List.copyOf(arguments);
    }

    /** Writes the checkpoint to {@code file} atomically: the previous checkpoint survives any crash. */
    public static void save(Checkpoint checkpoint, Path file) throws ModelFileException {
        ModelFile.writeAtomically(checkpoint.toBytes(), file);
    }

    byte[] toBytes() {
        byte[] model = ModelFile.toBytes(this.model);
        List<byte[]> args = new ArrayList<>();
        long size = 8 + 4 + 8 + 4;
        for (String a : arguments) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("argument too long for a checkpoint");
            }
            args.add(b);
            size += 2 + b.length;
        }
        int epochs = state.epochsDone();
        size += 4 + model.length + 4 + 4 + epochs * 28L + 4 + 4L * state.bestParameters().length + 4 + 4;
        for (float[] a : state.optimizerState()) {
            size += 4 + 4L * a.length;
        }
        size += 4;
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("checkpoint of " + size + " bytes is too large");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(VERSION).putLong(size).putInt(args.size());
        for (byte[] b : args) {
            buf.putShort((short) b.length).put(b);
        }
        buf.putInt(model.length).put(model);
        buf.putInt(epochs).putInt(state.bestEpoch());
        for (int e = 0; e < epochs; e++) {
            buf.putDouble(state.losses()[e]).putDouble(state.validationAccuracies()[e])
                    .putFloat(state.learningRates()[e]).putDouble(state.seconds()[e]);
        }
        putFloats(buf, state.bestParameters());
        buf.putInt(state.optimizerSteps()).putInt(state.optimizerState().length);
        for (float[] a : state.optimizerState()) {
            putFloats(buf, a);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    private static void putFloats(ByteBuffer buf, float[] values) {
        buf.putInt(values.length);
        for (float v : values) {
            buf.putFloat(v);
        }
    }

    /** Loads and checks a checkpoint; every problem is a {@link ModelFileException} naming the file. */
    public static Checkpoint load(Path file) throws ModelFileException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ModelFileException(name, "is a directory, not a checkpoint");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ModelFileException(name, "too large for a checkpoint (" + size + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(name, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ModelFileException(name, "permission denied", e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(name, "cannot read: " + e.getMessage(), e);
        }
        return fromBytes(bytes, name);
    }

    static Checkpoint fromBytes(byte[] bytes, String name) throws ModelFileException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new ModelFileException(name, "not an mnist checkpoint");
        }
        if (bytes.length < 24) {
            throw new ModelFileException(name, "truncated: " + bytes.length + " bytes");
        }
        buf.position(MAGIC.length);
        int version = buf.getInt();
        if (version != VERSION) {
            throw new ModelFileException(name, "checkpoint format version " + Integer.toUnsignedString(version)
                    + " is not the one this mnist reads (" + VERSION + ")");
        }
        long length = buf.getLong();
        if (length != bytes.length) {
            throw new ModelFileException(name, length > bytes.length
                    ? "truncated: " + bytes.length + " bytes of " + length
                    : "trailing bytes: " + bytes.length + " bytes, " + length + " expected");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
            throw new ModelFileException(name, "checksum mismatch: the checkpoint is corrupt");
        }
        try {
            int count = count(buf, 2, name, "arguments");
            List<String> args = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[Short.toUnsignedInt(buf.getShort())];
                buf.get(b);
                args.add(new String(b, StandardCharsets.UTF_8));
            }
            byte[] modelBytes = new byte[count(buf, 1, name, "model bytes")];
            buf.get(modelBytes);
            SavedModel model = ModelFile.load(new ByteArrayInputStream(modelBytes), name + " (its model)");
            int epochs = count(buf, 28, name, "epochs");
            int best = buf.getInt();
            double[] losses = new double[epochs], accuracies = new double[epochs], seconds = new double[epochs];
            float[] rates = new float[epochs];
            for (int e = 0; e < epochs; e++) {
                losses[e] = buf.getDouble();
                accuracies[e] = buf.getDouble();
                rates[e] = buf.getFloat();
                seconds[e] = buf.getDouble();
            }
            float[] bestParameters = floats(buf, name, "best parameters");
            int steps = buf.getInt();
            float[][] optimizer = new float[count(buf, 4, name, "optimizer arrays")][];
            for (int i = 0; i < optimizer.length; i++) {
                optimizer[i] = floats(buf, name, "optimizer state");
            }
            if (buf.remaining() != 4) {
                throw new ModelFileException(name, "malformed: " + (buf.remaining() - 4) + " unexplained bytes");
            }
            int params = model.network().parameters().length;
            if (bestParameters.length != 0 && bestParameters.length != params) {
                throw new ModelFileException(name, "malformed: " + bestParameters.length + " best parameters for a model of " + params);
            }
            for (float[] a : optimizer) {
                if (a.length != params) {
                    throw new ModelFileException(name, "malformed: optimizer state of " + a.length + " values for a model of " + params);
                }
            }
            return new Checkpoint(args, model, new TrainerState(losses, accuracies, rates, seconds, best, bestParameters, steps, optimizer));
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(name, "malformed: a field runs past the end of the file", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name, "malformed: " + e.getMessage(), e);
        }
    }

    /** A u32 count of items of at least {@code itemBytes} each, checked against what is left to read. */
    private static int count(ByteBuffer buf, int itemBytes, String name, String what) throws ModelFileException {
        long n = Integer.toUnsignedLong(buf.getInt());
        if (n * itemBytes > buf.remaining()) {
            throw new ModelFileException(name, "malformed: " + n + " " + what + " cannot fit in what is left of the file");
        }
        return (int) n;
    }

    private static float[] floats(ByteBuffer buf, String name, String what) throws ModelFileException {
        float[] values = new float[count(buf, 4, name, what)];
        for (int i = 0; i < values.length; i++) {
            values[i] = buf.getFloat();
        }
        return values;
    }
}
