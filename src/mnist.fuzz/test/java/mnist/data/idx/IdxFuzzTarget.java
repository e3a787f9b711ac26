package mnist.data.idx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import mnist.data.DatasetException;

/** IDX files (gzipped or not): read, or refused with a DatasetException; nothing else. */
class IdxFuzzTarget {
    @FuzzTest(maxDuration = "5m")
    void read(byte[] data) {
        try {
            IdxReader.read(new ByteArrayInputStream(data), "f.idx");
        } catch (DatasetException expected) {
            // refused with a message: fine
        }
    }
}
