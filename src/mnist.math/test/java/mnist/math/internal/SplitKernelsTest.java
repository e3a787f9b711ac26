package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * A training step split over threads ({@link Kernels#split}): every range method gives, over any split
 * of its rows or outputs, the same bits as the whole call it is a range of; a batch filled by several
 * threads at once is the batch filled row by row; and split runs every part once, each on kernels of
 * its own.
 */
class SplitKernelsTest {

    private static final int[][] SHAPES = {{1, 3, 32}, {7, 17, 64}, {64, 256, 128}, {129, 784, 96}, {50, 128, 10}};

    private static float[] random(Random r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** Random cut points of [0, total): 0, some points in increasing order that are multiples of align, total. */
    private static int[] cuts(Random r, int total, int align) {
        int parts = 1 + r.nextInt(4);
        int[] c = new int[parts + 1];
        for (int i = 1; i < parts; i++) {
            c[i] = r.nextInt(total / align + 1) * align;
        }
        c[parts] = total;
        Arrays.sort(c, 1, parts);
        return c;
    }

    private static void sameBits(float[] whole, float[] ranges, String what) {
        for (int i = 0; i < whole.length; i++) {
            if (Float.floatToRawIntBits(whole[i]) != Float.floatToRawIntBits(ranges[i])) {
                throw new AssertionError(what + ": element " + i + " is " + ranges[i] + " by ranges, " + whole[i] + " whole");
            }
        }
    }

    @Test
    void everyRangeGivesTheBitsOfTheWholeCall() {
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(11);
                int checked = 0;
                for (int[] shape : SHAPES) {
                    int n = shape[0], in = shape[1], out = shape[2];
                    String at = backend.id() + " n=" + n + " in=" + in + " out=" + out;
                    float[] x = random(r, n * in), w = random(r, out * in), b = random(r, out), dy = random(r, n * out);
                    int[] rows = cuts(r, n, 1);

                    float[] whole = new float[n * out], byRows = new float[n * out];
                    k.linearForward(whole, x, 0, w, 0, b, 0, n, in, out);
                    for (int p = 0; p + 1 < rows.length; p++) {
                        k.linearForwardRows(byRows, x, w, 0, b, 0, n, in, out, rows[p], rows[p + 1]);
                    }
                    sameBits(whole, byRows, "linearForwardRows " + at);

                    float[] dxWhole = new float[n * in], dxRows = new float[n * in];
                    k.linearInputGrad(dxWhole, dy, w, 0, n, in, out);
                    for (int p = 0; p + 1 < rows.length; p++) {
                        k.linearInputGradRows(dxRows, dy, w, 0, n, in, out, rows[p], rows[p + 1]);
                    }
                    sameBits(dxWhole, dxRows, "linearInputGradRows " + at);

                    float[] dwWhole = new float[out * in], dwRanges = new float[out * in];
                    float[] dbWhole = new float[out], dbRanges = new float[out];
                    k.linearWeightGrad(dwWhole, 0, dy, x, 0, n, in, out, 0.25f);
                    k.linearBiasGrad(dbWhole, 0, dy, n, out, 0.25f);
                    int[] outs = cuts(r, out, 1);
                    for (int p = 0; p + 1 < outs.length; p++) {
                        k.linearWeightGrad(dwRanges, 0, dy, x, 0, n, in, out, 0.25f, outs[p], outs[p + 1]);
                        k.linearBiasGrad(dbRanges, 0, dy, n, out, 0.25f, outs[p], outs[p + 1]);
                    }
                    sameBits(dwWhole, dwRanges, "linearWeightGrad outputs " + at);
                    sameBits(dbWhole, dbRanges, "linearBiasGrad outputs " + at);

                    // the sparse first layer: inputs a fifth non-zero, weights in panels
                    if (out % k.sparsePanel() == 0) {
                        float[] xs = new float[n * in];
                        for (int i = 0; i < xs.length; i++) {
                            xs[i] = r.nextDouble() < 0.2 ? r.nextFloat() : 0f;
                        }
                        SparseBatch sx = SparseBatch.of(xs, 0, n, in);
                        float[] wp = new float[out * in];
                        k.packPanels(wp, 0, w, 0, out, in);
                        float[] ys = new float[n * out], ysRows = new float[n * out];
                        k.sparseLinearForward(ys, sx, wp, 0, b, 0, out);
                        for (int p = 0; p + 1 < rows.length; p++) {
                            k.sparseLinearForward(ysRows, sx, wp, 0, b, 0, out, rows[p], rows[p + 1]);
                        }
                        sameBits(ys, ysRows, "sparseLinearForward rows " + at);
                        float[] g = new float[out * in], gPanels = new float[out * in];
                        k.sparseWeightGrad(g, 0, sx, dy, out, 0.5f);
                        int[] panels = cuts(r, out, k.sparsePanel());
                        for (int p = 0; p + 1 < panels.length; p++) {
                            k.sparseWeightGrad(gPanels, 0, sx, dy, out, 0.5f, panels[p], panels[p + 1]);
                        }
                        sameBits(g, gPanels, "sparseWeightGrad panels " + at);
                        assertThrows(IllegalArgumentException.class,
                                () -> k.sparseWeightGrad(gPanels, 0, sx, dy, out, 0.5f, 1, out));
                    }

                    float[] z = random(r, n * out), a = random(r, n * out);
                    float[] sWhole = new float[n * out], sRows = new float[n * out];
                    k.softmax(sWhole, z, n, out);
                    for (int p = 0; p + 1 < rows.length; p++) {
                        k.softmaxRows(sRows, z, n, out, rows[p], rows[p + 1]);
                    }
                    sameBits(sWhole, sRows, "softmaxRows " + at);

                    int len = n * out;
                    int[] el = cuts(r, len, 1);
                    float[][] wholes = new float[5][len], ranged = new float[5][len];
                    k.relu(wholes[0], z, len);
                    k.reluBackward(wholes[1], dy, a, len);
                    k.sigmoid(wholes[2], z, len);
                    k.sigmoidBackward(wholes[3], dy, a, len);
                    k.subtract(wholes[4], a, z, len);
                    for (int p = 0; p + 1 < el.length; p++) {
                        k.relu(ranged[0], z, el[p], el[p + 1]);
                        k.reluBackward(ranged[1], dy, a, el[p], el[p + 1]);
                        k.sigmoid(ranged[2], z, el[p], el[p + 1]);
                        k.sigmoidBackward(ranged[3], dy, a, el[p], el[p + 1]);
                        k.subtract(ranged[4], a, z, el[p], el[p + 1]);
                    }
                    String[] names = {"relu", "reluBackward", "sigmoid", "sigmoidBackward", "subtract"};
                    for (int i = 0; i < names.length; i++) {
                        sameBits(wholes[i], ranged[i], names[i] + " ranges " + at);
                    }
                    checked++;
                }
                System.out.printf("ranges of every split kernel, %s: OK, %d shapes bit for bit as the whole calls%n",
                        backend.id(), checked);
            }
        }
    }

    @Test
    void rangesOutsideTheirArraysAreRefused() {
        try (Kernels k = Kernels.create(Backend.SCALAR, 1)) {
            float[] y = new float[8], x = new float[8], w = new float[4];
            assertThrows(IndexOutOfBoundsException.class, () -> k.linearForwardRows(y, x, w, 0, null, 0, 4, 2, 2, 3, 5));
            assertThrows(IndexOutOfBoundsException.class, () -> k.linearForwardRows(y, x, w, 0, null, 0, 4, 2, 2, 3, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> k.relu(y, x, 2, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> k.linearBiasGrad(w, 0, y, 4, 2, 1f, 0, 3));
        }
    }

    @Test
    void aBatchFilledByManyThreadsIsTheBatchFilledRowByRow() {
        Random r = new Random(5);
        int cols = 53;
        for (int parts = 1; parts <= 4; parts++) {
            for (int trial = 0; trial < 5; trial++) {
                int n = 1 + r.nextInt(70);
                byte[] pixels = new byte[n * cols];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = r.nextDouble() < 0.25 ? (byte) (1 + r.nextInt(255)) : 0;
                }
                SparseBatch expected = new SparseBatch(cols, 1, 1);
                expected.clear();
                for (int i = 0; i < n; i++) {
                    expected.addRow(pixels, i * cols, 255f);
                }
                expected.finish();

                int[] lengths = new int[n];
                for (int i = 0; i < n; i++) {
                    lengths[i] = expected.rowStart()[i + 1] - expected.rowStart()[i];
                }
                SparseBatch b = new SparseBatch(cols, 2, 3);     // grows in startRows
                int p = Math.min(parts, n);
                b.startRows(n, lengths, p);
                int[] bounds = new int[p + 1];
                for (int i = 0; i <= p; i++) {
                    bounds[i] = n * i / p;
                }
                try (Kernels k = Kernels.create(Backend.SCALAR, p)) {
                    k.split(p, (part, serial) -> {
                        for (int i = bounds[part]; i < bounds[part + 1]; i++) {
                            b.setRow(i, pixels, i * cols, 255f);
                        }
                        b.countColumns(part, bounds[part], bounds[part + 1]);
                    });
                    k.split(p, (part, serial) -> b.placeColumns(part));
                }
                b.columnsPlaced();
                int nnz = expected.nonZeros();
                assertEquals(nnz, b.nonZeros());
                assertArrayEquals(Arrays.copyOf(expected.rowStart(), n + 1), Arrays.copyOf(b.rowStart(), n + 1));
                assertArrayEquals(Arrays.copyOf(expected.rowCol(), nnz), Arrays.copyOf(b.rowCol(), nnz));
                assertArrayEquals(Arrays.copyOf(expected.rowValue(), nnz), Arrays.copyOf(b.rowValue(), nnz));
                assertArrayEquals(expected.colStart(), b.colStart(), parts + " parts: column starts");
                assertArrayEquals(Arrays.copyOf(expected.colRow(), nnz), Arrays.copyOf(b.colRow(), nnz));
                assertArrayEquals(Arrays.copyOf(expected.colValue(), nnz), Arrays.copyOf(b.colValue(), nnz));
                assertEquals(true, b.finished());
            }
        }
        SparseBatch b = new SparseBatch(4, 1, 1);
        b.startRows(1, new int[] {2}, 1);
        assertThrows(IllegalArgumentException.class, () -> b.setRow(0, new float[] {1, 0, 0, 0}, 0),
                "a row with other than its announced non-zeros is refused");
        assertThrows(IllegalArgumentException.class, () -> b.startRows(1, new int[] {5}, 1), "longer than the columns");
    }

    @Test
    void splitRunsEveryPartOnceOnKernelsOfItsOwn() {
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 3)) {
                AtomicIntegerArray runs = new AtomicIntegerArray(3);
                ConcurrentHashMap<Integer, Kernels> seen = new ConcurrentHashMap<>();
                for (int round = 0; round < 3; round++) {
                    k.split(3, (part, serial) -> {
                        runs.incrementAndGet(part);
                        assertEquals(1, serial.threads());
                        assertEquals(backend, serial.backend());
                        Kernels before = seen.putIfAbsent(part, serial);
                        if (before != null) {
                            assertSame(before, serial, "a part gets the same kernels every time");
                        }
                    });
                }
                for (int p = 0; p < 3; p++) {
                    assertEquals(3, runs.get(p), "part " + p + " ran once a split");
                }
                assertNotSame(seen.get(0), seen.get(1));
                assertNotSame(seen.get(1), seen.get(2));
                assertThrows(IllegalArgumentException.class, () -> k.split(4, (part, serial) -> { }));
                assertThrows(IllegalArgumentException.class, () -> k.split(0, (part, serial) -> { }));
                RuntimeException failure = assertThrows(RuntimeException.class, () -> k.split(2, (part, serial) -> {
                    if (part == 1) {
                        throw new IllegalStateException("part 1 failed");
                    }
                }));
                assertEquals("part 1 failed", failure.getMessage(), "a part's failure reaches the caller");
            }
        }
    }
}
