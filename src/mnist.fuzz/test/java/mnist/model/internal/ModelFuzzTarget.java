package mnist.model.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import mnist.model.ModelFileException;

/** Model files (mnist's own and ONNX) and checkpoints: loaded, or refused with a ModelFileException; nothing else. */
class ModelFuzzTarget {
    @FuzzTest(maxDuration = "5m")
    void modelFile(byte[] data) {
        try {
            ModelFile.load(new ByteArrayInputStream(data), "f.model");
        } catch (ModelFileException expected) {
            // refused with a message: fine
        }
    }

    @FuzzTest(maxDuration = "5m")
    void onnx(byte[] data) {
        try {
            Onnx.read(data, "f.onnx");
        } catch (ModelFileException expected) {
            // refused with a message: fine
        }
    }

    @FuzzTest(maxDuration = "5m")
    void checkpoint(byte[] data) {
        try {
            Checkpoint.fromBytes(data, "f.ck");
        } catch (ModelFileException expected) {
            // refused with a message: fine
        }
    }
}
