package mnist.data.idx;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import mnist.data.DatasetException;

/**
 * Reads IDX files of unsigned bytes, plain or gzipped, strictly: a header that does not make sense,
 * or data that does not fill the header's shape exactly, is a {@link DatasetException}.
 *
 * <p>A gzipped file is recognised by its first bytes (1F 8B), whatever its name. Memory is never
 * allocated on a header's word alone: a plain file's size is compared with the header first, and a
 * gzipped stream is read in growing chunks, so a lying header costs no more than the data present.
 */
public final class IdxReader {
    /** The largest array the JVM reliably allocates. */
    static final int MAX_VALUES = Integer.MAX_VALUE - 8;
    private static final int MAX_DIMENSIONS = 4;
    /** Chunk to start with when the unpacked size is not known in advance. */
    private static final int FIRST_CHUNK = 1 << 20;
    private static final int BUFFER = 1 << 16;
    /** Deflate unpacks at most about 1032 bytes per byte; a trailer claiming more is not believed. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private IdxReader() {}

    /** Reads the IDX file at {@code file}; messages name it by its path. */
    public static IdxArray read(Path file) throws DatasetException {
        String name = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name, file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(name, "not found", e);
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /**
     * Reads one IDX file from {@code in} to its end; {@code name} names it in messages. The caller
     * closes the stream.
     */
    public static IdxArray read(InputStream in, String name) throws DatasetException {
        return read(in, name, null);
    }

    /** {@code file} is the file {@code raw} reads, when there is one, for its sizes; else null. */
    private static IdxArray read(InputStream raw, String name, Path file) throws DatasetException {
        BufferedInputStream buffered = new BufferedInputStream(keepOpen(raw), BUFFER);
        if (!startsWithGzipMagic(buffered, name)) {
            long fileSize = file == null ? -1 : fileSize(file, name);
            return readIdx(new Input(buffered, name, false), fileSize, -1, -1);
        }
        long trailerSize = file == null ? -1 : gzipTrailerSize(file, name);
        long packedSize = file == null ? -1 : fileSize(file, name);
        try (StrictGzipInputStream unpacked = openGzip(buffered, name)) {
            IdxArray array = readIdx(new Input(unpacked, name, true), -1, trailerSize, packedSize);
            if (unpacked.bytesAfterEnd()) {
                throw new DatasetException(name, "trailing bytes after the end of the gzip stream");
            }
            return array;
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /**
     * Reads header and values. {@code fileSize} is the exact byte count of a plain file (or -1), and
     * {@code trailerSize} the unpacked size a gzip trailer announces, modulo 2^32, and
     * {@code packedSize} the gzip file's size (or -1 each).
     */
    private static IdxArray readIdx(Input in, long fileSize, long trailerSize, long packedSize)
            throws DatasetException {
        String name = in.name;
        byte[] start = new byte[4];
        int got = in.readUpTo(start, 0, 4);
        if (got >= 2 && (start[0] != 0 || start[1] != 0)) {
            throw new DatasetException(name, String.format(
                    "not an IDX file: starts with %02X %02X, expected magic 00 00", start[0], start[1]));
        }
        if (got < 4) {
            throw new DatasetException(name, "truncated header: expected at least 4 bytes, found " + got);
        }
        int type = start[2] & 0xFF;
        if (type != IdxArray.UNSIGNED_BYTE) {
            throw new DatasetException(name, String.format(
                    "unsupported IDX type code 0x%02X (%s): only 0x08 (unsigned byte) is supported",
                    type, typeName(type)));
        }
        int rank = start[3] & 0xFF;
        if (rank < 1 || rank > MAX_DIMENSIONS) {
            throw new DatasetException(name,
                    "bad IDX header: " + rank + " dimensions, expected 1 to " + MAX_DIMENSIONS);
        }
        int headerBytes = 4 + 4 * rank;
        byte[] sizes = new byte[4 * rank];
        got = in.readUpTo(sizes, 0, sizes.length);
        if (got < sizes.length) {
            throw new DatasetException(name,
                    "truncated header: expected " + headerBytes + " bytes, found " + (4 + got));
        }
        int[] shape = new int[rank];
        ByteBuffer.wrap(sizes).asIntBuffer().get(shape);
        long count = 1;
        for (int d = 0; d < rank; d++) {
            if (shape[d] < 1) {
                throw new DatasetException(name, "bad IDX header: dimension " + d + " has size " + shape[d]
                        + ", expected at least 1 (shape " + IdxArray.shapeText(shape) + ")");
            }
            // count <= MAX_VALUES < 2^31 and shape[d] < 2^31, so the product cannot overflow a long.
            count *= shape[d];
            if (count > MAX_VALUES) {
                throw new DatasetException(name, "bad IDX header: shape " + IdxArray.shapeText(shape)
                        + " holds more than " + MAX_VALUES + " values, the most one array can hold");
            }
        }
        long expectedBytes = headerBytes + count;
        if (fileSize >= 0 && fileSize != expectedBytes) {
            throw new DatasetException(name, (fileSize < expectedBytes ? "truncated" : "trailing bytes")
                    + ": expected " + expectedBytes + " bytes for shape " + IdxArray.shapeText(shape)
                    + ", found " + fileSize);
        }
        // Trust the header for the allocation only where the file's own size confirms it; a forged
        // gzip trailer could confirm anything, so it also has to be within deflate's reach.
        boolean trailerAgrees = trailerSize == (expectedBytes & 0xFFFF_FFFFL)
                && expectedBytes <= MAX_DEFLATE_RATIO * packedSize;
        boolean sizeConfirmed = fileSize >= 0 || trailerAgrees;
        int firstChunk = sizeConfirmed ? (int) count : (int) Math.min(count, FIRST_CHUNK);
        byte[] values = readValues(in, (int) count, firstChunk);
        if (values.length < count) {
            throw new DatasetException(name, "truncated: expected " + expectedBytes + " bytes for shape "
                    + IdxArray.shapeText(shape) + ", found " + (headerBytes + values.length));
        }
        if (in.readUpTo(new byte[1], 0, 1) > 0) {
            throw new DatasetException(name, "trailing bytes: more than the " + expectedBytes
                    + " bytes shape " + IdxArray.shapeText(shape) + " needs");
        }
        return new IdxArray(name, shape, values);
    }

    /** Reads up to {@code count} bytes, growing the array as data arrives; shorter if the input ends. */
    private static byte[] readValues(Input in, int count, int firstChunk) throws DatasetException {
        byte[] values = new byte[firstChunk];
        int filled = 0;
        while (true) {
            filled += in.readUpTo(values, filled, values.length - filled);
            if (filled < values.length || values.length == count) {
                return filled == values.length ? values : Arrays.copyOf(values, filled);
            }
            values = Arrays.copyOf(values, (int) Math.min(count, 2L * values.length));
        }
    }

    private static boolean startsWithGzipMagic(BufferedInputStream in, String name) throws DatasetException {
        try {
            in.mark(2);
            int first = in.read();
            int second = in.read();
            in.reset();
            return first == 0x1F && second == 0x8B;
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    private static StrictGzipInputStream openGzip(InputStream in, String name) throws DatasetException {
        try {
            return new StrictGzipInputStream(in);
        } catch (EOFException e) {
            throw new DatasetException(name, "truncated gzip header", e);
        } catch (ZipException e) {
            throw new DatasetException(name, "corrupt gzip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    /** The ISIZE field of the gzip trailer (last 4 bytes, little-endian), or -1 if the file is too short. */
    private static long gzipTrailerSize(Path file, String name) throws DatasetException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size < 18) { // a gzip member is at least a 10-byte header and an 8-byte trailer
                return -1;
            }
            ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (trailer.hasRemaining() && channel.read(trailer, size - 4 + trailer.position()) >= 0) {
                // FileChannel may read fewer bytes than asked for
            }
            return trailer.hasRemaining() ? -1 : trailer.getInt(0) & 0xFFFF_FFFFL;
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    private static long fileSize(Path file, String name) throws DatasetException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw cannotRead(name, e);
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "not an IDX type";
        };
    }

    private static DatasetException cannotRead(String name, IOException e) {
        return new DatasetException(name, "cannot read: " + e, e);
    }

    /**
     * A gzip stream that can tell, once it has returned its end, whether bytes followed the last member:
     * {@link GZIPInputStream} silently ignores anything after a member's trailer that is not another
     * well-formed member, so a file with garbage appended would otherwise be read as if it were whole.
     */
    private static final class StrictGzipInputStream extends GZIPInputStream {
        StrictGzipInputStream(InputStream in) throws IOException {
            super(in, BUFFER);
        }

        /**
         * After the end: the inflater still holds the last trailer (8 bytes, read from a copy) and anything
         * that followed it in the buffer; the underlying stream holds the rest.
         */
        boolean bytesAfterEnd() throws IOException {
            return inf.getRemaining() > 8 || in.read() != -1;
        }
    }

    /** Lets the gzip stream be closed (which frees its native inflater) without closing the caller's stream. */
    private static InputStream keepOpen(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {}
        };
    }

    /** An input that reads as much as asked unless it ends, and turns gzip failures into our exception. */
    private record Input(InputStream in, String name, boolean gzip) {
        int readUpTo(byte[] buffer, int offset, int length) throws DatasetException {
            int total = 0;
            try {
                while (total < length) {
                    int n = in.read(buffer, offset + total, length - total);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                return total;
            } catch (EOFException e) {
                if (!gzip) {
                    throw cannotRead(name, e);
                }
                throw new DatasetException(name, "truncated gzip stream: it ends before its end marker", e);
            } catch (ZipException e) {
                throw new DatasetException(name, "corrupt gzip: " + e.getMessage(), e);
            } catch (IOException e) {
                throw cannotRead(name, e);
            }
        }
    }
}
