package mnist.data.idx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import mnist.data.DatasetException;

/**
 * Our own format for an IDX file of images (unsigned bytes, count x rows x cols), a quarter smaller than
 * gzip for MNIST's digits (7.39 MB against 9.72 MB for the 60,000 training images): {@link PixelModel}
 * and a range coder, in chunks of images that are coded independently, so that they decode in parallel.
 * The bundled training images are kept in it.
 *
 * <p>The file, big-endian:
 * <pre>
 *  0   4  magic "IDXP"
 *  4   4  version, 1
 *  8  16  the IDX header: 00 00 08 03, count, rows, cols
 * 24   4  images per chunk (every chunk but the last holds this many)
 * 28   4  n, the number of chunks
 * 32  8n  per chunk: its length in bytes, the CRC-32 of its unpacked images
 * 32+8n 4 the CRC-32 of all the bytes above
 * 36+8n   the chunks, back to back: each what a fresh {@link PixelModel} and {@link RangeEncoder} made
 * </pre>
 * A reader checks every field against the others and against fixed limits before it allocates, reads
 * exactly to the end, and checks each chunk's decoder ended where the chunk does and its CRC-32.
 */
public final class PackedImages {
    /** The images per chunk of the bundled file: 6 chunks for 2 threads. */
    public static final int CHUNK_IMAGES = 10_000;
    /** Threads that decode chunks, the caller of {@link Unpacking#finish()} included. */
    static final int THREADS = 2;
    static final int VERSION = 1;
    private static final byte[] MAGIC = {'I', 'D', 'X', 'P'};
    private static final int FIXED_HEADER = 32;
    private static final int MAX_CHUNKS = 1 << 16;
    /**
     * A chunk of n bytes holds at most this many images times n: every image costs at least one coded
     * bit (an empty image's top), and no coded bit costs less than log2(65536 / 65505) = 0.00068 bits
     * (the probabilities stop at 31/65536 from either end), so that is at most 8 / 0.00068 < 11,800
     * images per byte. This bounds what a header can make the reader allocate.
     */
    private static final long MAX_IMAGES_PER_BYTE = 12_000;
    /** The least a chunk can be: the range coder's flush alone writes 5 bytes. */
    private static final int MIN_CHUNK = 5;

    private PackedImages() {}

    /** Packs {@code images} (3 dimensions, sides 1 to 255) in chunks of {@code chunkImages}. */
    public static byte[] pack(IdxArray images, int chunkImages) {
        if (images.dimensions() != 3) {
            throw new IllegalArgumentException("images need 3 dimensions, not shape " + images.shapeText());
        }
        int count = images.dimension(0);
        int rows = images.dimension(1);
        int cols = images.dimension(2);
        if (chunkImages < 1) {
            throw new IllegalArgumentException("chunks of " + chunkImages + " images");
        }
        int chunks = (int) ((count + (long) chunkImages - 1) / chunkImages);
        if (chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException(chunks + " chunks, more than " + MAX_CHUNKS);
        }
        PixelModel model = new PixelModel(rows, cols);
        int pixels = rows * cols;
        byte[][] packed = new byte[chunks][];
        ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER + 8 * chunks + 4);
        header.put(MAGIC).putInt(VERSION).put(images.header()).putInt(chunkImages).putInt(chunks);
        long total = header.capacity();
        for (int k = 0; k < chunks; k++) {
            int first = k * chunkImages;
            int n = Math.min(chunkImages, count - first);
            model.reset();
            RangeEncoder out = new RangeEncoder();
            for (int i = 0; i < n; i++) {
                model.encode(out, images.values(), (first + i) * pixels);
            }
            packed[k] = out.finish();
            total += packed[k].length;
            header.putInt(packed[k].length).putInt(crc(images.values(), first * pixels, n * pixels));
        }
        header.putInt(crc(header.array(), 0, header.position()));
        if (total > IdxReader.MAX_VALUES) {
            throw new IllegalArgumentException("packed, the images would take " + total + " bytes, too many for one array");
        }
        byte[] file = Arrays.copyOf(header.array(), (int) total);
        int at = header.capacity();
        for (byte[] chunk : packed) {
            System.arraycopy(chunk, 0, file, at, chunk.length);
            at += chunk.length;
        }
        return file;
    }

    /**
     * The packer as a tool: {@code PackedImages IDX OUT} packs an IDX file of images (plain or gzipped) in
     * chunks of {@link #CHUNK_IMAGES} into OUT, written whole or not at all. The bundled training images are
     * made with it (from the repository's root, after {@code mvn install}):
     * {@code java -cp src/mnist.data/target/classes mnist.data.idx.PackedImages
     * src/mnist.dataset/source/train-images-idx3-ubyte.gz
     * src/mnist.dataset/main/resources/mnist/dataset/train-images-idx3-ubyte.packed}.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: PackedImages IDX-FILE OUT-FILE");
            System.exit(2);
        }
        try {
            Path out = Path.of(args[1]).toAbsolutePath();
            byte[] packed = pack(IdxReader.read(Path.of(args[0])), CHUNK_IMAGES);
            Path part = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".part");
            try {
                Files.write(part, packed);
                Files.move(part, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
            System.out.println("wrote " + out + ": " + packed.length + " bytes");
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("PackedImages: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Reads a packed file from {@code in} to its end and unpacks it; {@code name} names it in messages. */
    public static IdxArray read(InputStream in, String name) throws DatasetException {
        return start(in, name).finish();
    }

    /**
     * Reads a packed file from {@code in} to its end, checks its header and starts unpacking it in the
     * background; {@link Unpacking#finish()} completes it (the caller can read other files meanwhile).
     */
    public static Unpacking start(InputStream in, String name) throws DatasetException {
        try {
            return new Unpacking(in, name);
        } catch (IOException e) {
            throw e instanceof DatasetException d ? d : new DatasetException(name, "cannot read: " + e, e);
        }
    }

    /** A packed file being unpacked by {@value #THREADS} threads, one chunk at a time each. */
    public static final class Unpacking {
        private final String name;
        private final int count;
        private final int rows;
        private final int cols;
        private final int chunkImages;
        private final int[] chunkStarts;
        private final int[] chunkCrcs;
        private final byte[] data;
        private final byte[] values;
        private final AtomicInteger nextChunk = new AtomicInteger();
        /** Per chunk, what went wrong unpacking it, or null. */
        private final Throwable[] failures;
        private volatile boolean failed;
        private final Thread[] helpers;

        private Unpacking(InputStream in, String name) throws IOException {
            this.name = name;
            byte[] fixed = in.readNBytes(FIXED_HEADER);
            if (fixed.length < MAGIC.length || !Arrays.equals(fixed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw fail("not a packed IDX file: starts with "
                        + HexFormat.ofDelimiter(" ").formatHex(fixed, 0, Math.min(fixed.length, 4)).toUpperCase()
                        + ", expected " + HexFormat.ofDelimiter(" ").formatHex(MAGIC).toUpperCase() + " (IDXP)");
            }
            if (fixed.length < FIXED_HEADER) {
                throw fail("truncated header: " + fixed.length + " bytes");
            }
            ByteBuffer header = ByteBuffer.wrap(fixed);
            int version = header.getInt(4);
            if (version != VERSION) {
                throw fail("unsupported version " + version + ", expected " + VERSION);
            }
            int idxMagic = header.getInt(8);
            if (idxMagic != (IdxArray.UNSIGNED_BYTE << 8 | 3)) {
                throw fail(String.format("bad header: IDX magic %08X, expected 00000803 (unsigned bytes, 3 dimensions)", idxMagic));
            }
            count = header.getInt(12);
            rows = header.getInt(16);
            cols = header.getInt(20);
            chunkImages = header.getInt(24);
            int chunks = header.getInt(28);
            String shape = IdxArray.shapeText(new int[] {count, rows, cols});
            if (count < 1 || rows < 1 || rows > PixelModel.MAX_SIDE || cols < 1 || cols > PixelModel.MAX_SIDE
                    || (long) count * rows * cols > IdxReader.MAX_VALUES) {
                throw fail("bad header: shape " + shape + ", expected at least 1 image of 1 to " + PixelModel.MAX_SIDE
                        + " pixels a side and at most " + IdxReader.MAX_VALUES + " values");
            }
            if (chunkImages < 1 || chunkImages > count || chunks != (count + (long) chunkImages - 1) / chunkImages
                    || chunks > MAX_CHUNKS) {
                throw fail("bad header: " + chunks + " chunks of " + chunkImages + " images for " + count
                        + " images, expected the images divided in at most " + MAX_CHUNKS + " chunks");
            }
            byte[] table = in.readNBytes(8 * chunks + 4);
            if (table.length < 8 * chunks + 4) {
                throw fail("truncated header: " + (FIXED_HEADER + table.length) + " bytes, expected "
                        + (FIXED_HEADER + 8 * chunks + 4));
            }
            CRC32 headerCrc = new CRC32();
            headerCrc.update(fixed);
            headerCrc.update(table, 0, 8 * chunks);
            ByteBuffer entries = ByteBuffer.wrap(table);
            int storedCrc = entries.getInt(8 * chunks);
            if ((int) headerCrc.getValue() != storedCrc) {
                throw fail(String.format("corrupt header: CRC-32 %08X, expected %08X", headerCrc.getValue(), storedCrc));
            }
            chunkStarts = new int[chunks + 1];
            chunkCrcs = new int[chunks];
            long total = 0;
            for (int k = 0; k < chunks; k++) {
                int length = entries.getInt(8 * k);
                chunkCrcs[k] = entries.getInt(8 * k + 4);
                int images = Math.min(chunkImages, count - k * chunkImages);
                if (length < MIN_CHUNK || images > MAX_IMAGES_PER_BYTE * length) {
                    throw fail("bad header: chunk " + k + " of " + images + " images is " + length
                            + " bytes long, expected at least " + Math.max(MIN_CHUNK, images / MAX_IMAGES_PER_BYTE));
                }
                total += length;
                if (total > IdxReader.MAX_VALUES) {
                    throw fail("bad header: chunks of more than " + IdxReader.MAX_VALUES + " bytes in all");
                }
                chunkStarts[k + 1] = (int) total;
            }
            data = in.readNBytes((int) total);
            if (data.length < total) {
                throw fail("truncated: expected " + (FIXED_HEADER + table.length + total) + " bytes, found "
                        + (FIXED_HEADER + table.length + data.length));
            }
            if (in.read() != -1) {
                throw fail("trailing bytes: more than the " + (FIXED_HEADER + table.length + total)
                        + " bytes the header announces");
            }
            values = new byte[count * rows * cols];
            failures = new Throwable[chunks];
            helpers = new Thread[Math.min(THREADS, chunks) - 1];
            for (int i = 0; i < helpers.length; i++) {
                helpers[i] = Thread.ofPlatform().daemon().name("unpack-" + name + "-" + (i + 1)).start(this::work);
            }
        }

        /**
         * Unpacks what the helper threads have not yet, waits for them, and returns the images; a
         * DatasetException names the first chunk (in file order) that is corrupt.
         */
        public IdxArray finish() throws DatasetException {
            work();
            boolean interrupted = false;
            for (Thread helper : helpers) {
                while (true) {
                    try {
                        helper.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;     // the helper ends soon anyway; keep the caller's flag
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            for (int k = 0; k < failures.length; k++) {
                Throwable failure = failures[k];
                switch (failure) {
                    case null -> { }
                    case DatasetException e -> throw e;
                    case Error e -> throw e;
                    default -> throw new DatasetException(name, "cannot unpack chunk " + k + ": " + failure, failure);
                }
            }
            return new IdxArray(name, new int[] {count, rows, cols}, values);
        }

        /**
         * Unpacks chunks until none is left or one has failed. All the chunks before a failed one were
         * claimed before it and are finished too, so the first failure is the same whatever the timing.
         */
        private void work() {
            PixelModel model = null;
            int k;
            while (!failed && (k = nextChunk.getAndIncrement()) < failures.length) {
                try {
                    if (model == null) {
                        model = new PixelModel(rows, cols);
                    } else {
                        model.reset();
                    }
                    unpack(k, model);
                } catch (Throwable e) {    // recorded here, thrown by finish() in the caller's thread
                    failures[k] = e;
                    failed = true;
                }
            }
        }

        private void unpack(int k, PixelModel model) throws DatasetException {
            int pixels = rows * cols;
            int first = k * chunkImages;
            int images = Math.min(chunkImages, count - first);
            String chunk = "corrupt chunk " + k + " of " + failures.length + " (images " + first + " to "
                    + (first + images - 1) + "): ";
            RangeDecoder in = new RangeDecoder(data, chunkStarts[k], chunkStarts[k + 1]);
            for (int i = 0; i < images; i++) {
                if (!model.decode(in, values, (first + i) * pixels)) {
                    throw fail(chunk + "image " + (first + i) + " decodes to a box outside its "
                            + rows + "x" + cols + " pixels");
                }
            }
            if (!in.endedExactly()) {
                throw fail(chunk + "the coded images do not end where its " + (chunkStarts[k + 1] - chunkStarts[k])
                        + " bytes do");
            }
            int crc = crc(values, first * pixels, images * pixels);
            if (crc != chunkCrcs[k]) {
                throw fail(chunk + String.format("CRC-32 of the unpacked images %08X, expected %08X", crc, chunkCrcs[k]));
            }
        }

        private DatasetException fail(String problem) {
            return new DatasetException(name, problem);
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
