package mnist.math;

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
 * they have grown to the largest batch seen, filling allocates nothing. Not thread-safe.
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
