package mnist.math.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A batch of inputs (n, cols) kept as its non-zero entries only, in both orders the sparse kernels
 * read: by row (for the forward pass) and by column (for the weight gradient).
 *
 * <p>About 81% of MNIST's pixels are zero, and the first layer is most of a network's arithmetic; a
 * kernel that visits only the non-zero inputs does a fifth of the work. Skipping a zero term of a
 * fused multiply-add chain leaves the chain's value unchanged (fma(0, w, s) = s for the finite s the
 * chains hold), so the sparse kernels give the same bits as the dense ones.
 *
 * <p>Filled row by row ({@link #clear}, {@link #addRow}, ..., {@link #finish}), reusing its arrays: once
 * they have grown to the largest batch seen, filling allocates nothing. Not thread-safe, except for
 * the fill from several threads at once, whose rows' lengths are known beforehand ({@link #startRows}).
 * <pre>
 *   row i:    entries [rowStart[i], rowStart[i+1]) of rowCol (column) and rowValue
 *   column k: entries [colStart[k], colStart[k+1]) of colRow (row, increasing) and colValue
 * </pre>
 */
public final class SparseBatch {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final int cols;
    private int rows;
    private int[] rowStart;
    private int[] rowCol;
    private float[] rowValue;
    private final int[] colStart;
    private int[] colRow;
    private float[] colValue;
    private boolean finished;
    private boolean rowsReady;          // the rows are (being) set: the row order may be read
    private int[][] partCounts = new int[0][];    // per part of a parallel fill: its rows' entries per column
    private int[][] partCursors = new int[0][];   // and where its next entry of each column goes
    private int fillParts;

    /** An empty batch of rows of {@code cols} values, with room for {@code capacity} non-zeros to start with. */
    public SparseBatch(int cols, int capacityRows, int capacity) {
        if (cols < 1 || capacityRows < 0 || capacity < 0) {
            throw new IllegalArgumentException("bad sparse batch size: " + cols + " columns, "
                    + capacityRows + " rows, " + capacity + " entries");
        }
        this.cols = cols;
        rowStart = new int[capacityRows + 1];
        rowCol = new int[capacity];
        rowValue = new float[capacity];
        colStart = new int[cols + 1];
        colRow = new int[capacity];
        colValue = new float[capacity];
    }

    /** The non-zeros of the dense rows {@code x (n, cols)} starting at {@code x[xOff]}, finished. */
    public static SparseBatch of(float[] x, int xOff, int n, int cols) {
        int nnz = 0;
        for (int p = xOff, end = xOff + n * cols; p < end; p++) {
            nnz += x[p] != 0f ? 1 : 0;
        }
        SparseBatch s = new SparseBatch(cols, n, nnz);
        s.clear();
        for (int i = 0; i < n; i++) {
            s.addRow(x, xOff + i * cols);
        }
        s.finish();
        return s;
    }

    /** Empties the batch for a new fill. */
    public void clear() {
        rows = 0;
        rowStart[0] = 0;
        finished = false;
        rowsReady = false;
    }

    /** Appends the dense row {@code x[off .. off + cols)}, keeping its non-zero values. */
    public void addRow(float[] x, int off) {
        int nnz = beginRow();
        for (int k = 0; k < cols; k++) {   // branch-free: write every value, keep the non-zero ones
            float v = x[off + k];
            rowCol[nnz] = k;
            rowValue[nnz] = v;
            nnz += v != 0f ? 1 : 0;
        }
        rowStart[rows] = nnz;
    }

    /**
     * Appends the row of bytes {@code pixels[off .. off + cols)}, each unsigned byte p becoming
     * {@code p / divisor} (255 for pixels scaled to [0, 1], as the data sets do), zeros skipped.
     */
    public void addRow(byte[] pixels, int off, float divisor) {
        int nnz = beginRow();
        int k = 0;
        // eight bytes at a time: most of an MNIST digit's rows are runs of zero pixels
        for (int end = cols - 7; k < end; k += 8) {
            if ((long) LONGS.get(pixels, off + k) == 0L) {
                continue;
            }
            for (int j = k; j < k + 8; j++) {   // branch-free: write every pixel, keep the non-zero ones
                int p = pixels[off + j] & 0xFF;
                rowCol[nnz] = j;
                rowValue[nnz] = p / divisor;
                nnz += p != 0 ? 1 : 0;
            }
        }
        for (; k < cols; k++) {
            int p = pixels[off + k] & 0xFF;
            if (p != 0) {
                rowCol[nnz] = k;
                rowValue[nnz++] = p / divisor;
            }
        }
        rowStart[rows] = nnz;
    }

    /**
     * Appends a row given by its non-zeros: columns {@code cols[from..to)} (increasing) with unsigned byte
     * values {@code values[from..to)}, each v becoming {@code v / divisor}. For inputs kept in this
     * compact form (see the trainers), a row costs its non-zeros, not its width.
     */
    public void addRow(short[] cols, byte[] values, int from, int to, float divisor) {
        int nnz = beginRow();
        for (int e = from; e < to; e++) {
            rowCol[nnz] = cols[e];
            rowValue[nnz++] = (values[e] & 0xFF) / divisor;
        }
        rowStart[rows] = nnz;
    }

    /** Makes room for one more row of up to cols entries; returns where its entries start. */
    private int beginRow() {
        if (finished) {
            throw new IllegalStateException("add rows after clear(), not after finish()");
        }
        if (rows + 2 > rowStart.length) {
            rowStart = Arrays.copyOf(rowStart, Math.max(rows + 2, rowStart.length * 2));
        }
        int nnz = rowStart[rows];
        if (nnz + cols > rowCol.length) {
            int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) nnz + cols, rowCol.length * 2L));
            rowCol = Arrays.copyOf(rowCol, size);
            rowValue = Arrays.copyOf(rowValue, size);
        }
        rows++;
        return nnz;
    }

    /** Builds the column order from the rows added; the batch is then ready for the kernels. */
    public void finish() {
        int nnz = rowStart[rows];
        if (colRow.length < nnz) {
            colRow = new int[rowCol.length];
            colValue = new float[rowCol.length];
        }
        Arrays.fill(colStart, 0);
        for (int e = 0; e < nnz; e++) {
            colStart[rowCol[e] + 1]++;
        }
        for (int k = 0; k < cols; k++) {
            colStart[k + 1] += colStart[k];
        }
        // place each entry at its column's next free slot: rows come in increasing order within a column
        for (int i = 0; i < rows; i++) {
            for (int e = rowStart[i], end = rowStart[i + 1]; e < end; e++) {
                int k = rowCol[e];
                int at = colStart[k]++;
                colRow[at] = i;
                colValue[at] = rowValue[e];
            }
        }
        for (int k = cols; k > 0; k--) {     // the loop above moved every start to the next column's
            colStart[k] = colStart[k - 1];
        }
        colStart[0] = 0;
        finished = true;
        rowsReady = true;
    }

    // ---- the fill from several threads -----------------------------------------------------------------
    //
    // When the length of every row is known beforehand (a data set's non-zeros can be counted once), a
    // batch can be filled by several threads, each taking a range of rows, then of columns:
    //   startRows(n, lengths, parts)                          on one thread
    //   setRow(i, ...) for its rows, countColumns(part, ...)  each part, at once
    //   placeColumns(part)                                    each part, once every part has counted
    //   columnsPlaced()                                       on one thread
    // The result is the same as filling the rows in order and calling finish(). Between the rounds the
    // caller must make the parts' writes visible to each other (the end of a Kernels.split does).

    /**
     * Begins a fill of n rows, row i with lengths[i] entries, by up to {@code parts} threads. The rows'
     * entries may be read by the sparse kernels' row ranges as soon as each row is set.
     */
    public void startRows(int n, int[] lengths, int parts) {
        if (n < 0 || n > lengths.length || parts < 1) {
            throw new IllegalArgumentException("bad parallel fill: " + n + " rows of " + lengths.length + " lengths, "
                    + parts + " parts");
        }
        if (n + 1 > rowStart.length) {
            rowStart = Arrays.copyOf(rowStart, Math.max(n + 1, rowStart.length * 2));
        }
        long nnz = 0;
        for (int i = 0; i < n; i++) {
            rowStart[i] = (int) nnz;
            if (lengths[i] < 0 || lengths[i] > cols) {
                throw new IllegalArgumentException("row " + i + " of " + lengths[i] + " entries in " + cols + " columns");
            }
            nnz += lengths[i];
        }
        rowStart[n] = (int) nnz;    // at most n · cols, checked above
        if (rowCol.length < nnz) {
            int size = (int) Math.max(nnz, Math.min(Integer.MAX_VALUE - 8, rowCol.length * 2L));
            rowCol = Arrays.copyOf(rowCol, size);
            rowValue = Arrays.copyOf(rowValue, size);
        }
        if (colRow.length < nnz) {
            colRow = new int[rowCol.length];
            colValue = new float[rowCol.length];
        }
        if (partCounts.length < parts) {
            int[][] pc = Arrays.copyOf(partCounts, parts), cu = Arrays.copyOf(partCursors, parts);
            for (int p = partCounts.length; p < parts; p++) {
                pc[p] = new int[cols];
                cu[p] = new int[cols];
            }
            partCounts = pc;
            partCursors = cu;
        }
        for (int p = 0; p < parts; p++) {
            Arrays.fill(partCounts[p], 0);   // a part with no rows counts nothing
        }
        fillParts = parts;
        rows = n;
        finished = false;
        rowsReady = true;
    }

    /** Sets row i (begun by startRows) to the columns cols[from..to) with unsigned byte values, each v / divisor. */
    public void setRow(int i, short[] cols, byte[] values, int from, int to, float divisor) {
        int e = rowStart[i];
        if (to - from != rowStart[i + 1] - e) {
            throw new IllegalArgumentException("row " + i + " has " + (rowStart[i + 1] - e) + " entries, given "
                    + (to - from));
        }
        for (int f = from; f < to; f++, e++) {
            rowCol[e] = cols[f];
            rowValue[e] = (values[f] & 0xFF) / divisor;
        }
    }

    /** Sets row i (begun by startRows) to the non-zero bytes of pixels[off .. off + cols), each p / divisor. */
    public void setRow(int i, byte[] pixels, int off, float divisor) {
        int e = rowStart[i], end = rowStart[i + 1];
        for (int k = 0; k < cols; k++) {
            int p = pixels[off + k] & 0xFF;
            if (p != 0) {
                if (e == end) {
                    throw new IllegalArgumentException("row " + i + " has more non-zeros than its " + (end - rowStart[i]));
                }
                rowCol[e] = k;
                rowValue[e++] = p / divisor;
            }
        }
        if (e != end) {
            throw new IllegalArgumentException("row " + i + " has fewer non-zeros than its " + (end - rowStart[i]));
        }
    }

    /** Sets row i (begun by startRows) to the non-zeros of the dense row x[off .. off + cols). */
    public void setRow(int i, float[] x, int off) {
        int e = rowStart[i], end = rowStart[i + 1];
        for (int k = 0; k < cols; k++) {
            float v = x[off + k];
            if (v != 0f) {
                if (e == end) {
                    throw new IllegalArgumentException("row " + i + " has more non-zeros than its " + (end - rowStart[i]));
                }
                rowCol[e] = k;
                rowValue[e++] = v;
            }
        }
        if (e != end) {
            throw new IllegalArgumentException("row " + i + " has fewer non-zeros than its " + (end - rowStart[i]));
        }
    }

    /** Part {@code part} counts the entries of its rows [r0, r1) per column, once they are set. */
    public void countColumns(int part, int r0, int r1) {
        if (part < 0 || part >= fillParts) {
            throw new IllegalArgumentException("part " + part + " of a fill by " + fillParts);
        }
        int[] count = partCounts[part];
        Arrays.fill(count, 0);
        for (int e = rowStart[r0], end = rowStart[r1]; e < end; e++) {
            count[rowCol[e]]++;
        }
    }

    /**
     * Part {@code part} places the entries of a range of columns in the column order, once every part has
     * counted ({@link #countColumns}): the columns are split so that each part places about as many
     * entries, and a part writes only its own columns' stretch of the column arrays. (Each part placing
     * its own rows instead wrote, for every column, next to where the other parts wrote: on two cores
     * the cache lines went back and forth, 60 us a part for a batch of 128 digits, 33 us on one.)
     */
    public void placeColumns(int part) {
        if (part < 0 || part >= fillParts) {
            throw new IllegalArgumentException("part " + part + " of a fill by " + fillParts);
        }
        int total = rowStart[rows];
        // every part computes the same column starts, and writes those of its own columns
        int[] cursor = partCursors[part];   // the columns' starts, then where each's next entry goes
        int at = 0;
        int k0 = -1, k1 = cols;               // this part's columns: where the running count passes its share
        long from = (long) total * part / fillParts, to = (long) total * (part + 1) / fillParts;
        for (int k = 0; k < cols; k++) {
            if (k0 < 0 && (at >= from || part == 0)) {
                k0 = k;
            }
            if (k1 == cols && at >= to && part < fillParts - 1) {
                k1 = k;
            }
            cursor[k] = at;
            for (int p = 0; p < fillParts; p++) {
                at += partCounts[p][k];
            }
        }
        if (k0 < 0) {
            k0 = cols;
        }
        k1 = Math.max(k0, k1);
        System.arraycopy(cursor, k0, colStart, k0, k1 - k0);
        if (part == fillParts - 1) {
            colStart[cols] = at;
        }
        for (int i = 0; i < rows; i++) {
            int end = rowStart[i + 1];
            int e = k0 == 0 ? rowStart[i] : firstAtLeast(rowStart[i], end, k0);   // a row's columns increase
            for (; e < end; e++) {
                int k = rowCol[e];
                if (k >= k1) {
                    break;
                }
                int c = cursor[k]++;
                colRow[c] = i;
                colValue[c] = rowValue[e];
            }
        }
    }

    /** The first of the entries [from, to) of one row whose column is at least k (to if none). */
    private int firstAtLeast(int from, int to, int k) {
        int lo = from, hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rowCol[mid] < k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Ends a fill from several threads, once every part has placed its columns: the batch is ready. */
    public void columnsPlaced() {
        finished = true;
    }

    /** Whether the rows may be read: after {@link #finish}, or during a fill from several threads. */
    public boolean rowsReady() {
        return rowsReady;
    }

    /** Whether {@link #finish} has been called since the last change. */
    public boolean finished() {
        return finished;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The number of non-zero entries. */
    public int nonZeros() {
        return rowStart[rows];
    }

    // Read by the kernels (mnist.math.internal); the arrays are shared, not copied.

    public int[] rowStart() {
        return rowStart;
    }

    public int[] rowCol() {
        return rowCol;
    }

    public float[] rowValue() {
        return rowValue;
    }

    public int[] colStart() {
        return colStart;
    }

    public int[] colRow() {
        return colRow;
    }

    public float[] colValue() {
        return colValue;
    }
}
