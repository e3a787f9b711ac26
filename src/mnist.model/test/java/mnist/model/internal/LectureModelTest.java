package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import mnist.math.random.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * Each lecture network starts from the lecture's own random numbers. Expected values from NumPy:
 * {@code np.random.seed(1); p1 = permutation(60000); w = randn(784,1)*0.01; a = randn(64,784);
 * b = randn(1,64); p2 = permutation(60000); c = randn(64,784); d = randn(10,64)}.
 */
class LectureModelTest {

    private static LectureModel.Start start(LectureModel model) {
        return model.initialise(RandomSource.create("numpy", 1), 60000, 784, 64);
    }

    @Test
    void logisticNeuronIsTheFirstDrawAfterTheShuffle() {
        LectureModel.Start s = start(LectureModel.LOGISTIC);
        assertArrayEquals(new int[] {15281, 21435, 44536, 13518, 47529}, java.util.Arrays.copyOf(s.shuffle(), 5));
        float[] p = s.network().parameters();
        assertEquals(785, p.length);
        assertEquals((float) 0.013650041936274155, p[0]);
        assertEquals((float) -0.0019255171428112533, p[783]);
        assertEquals(0f, p[784], "bias starts at zero");
    }

    @Test
    void hiddenNetworkFollowsTheNeuron() {
        LectureModel.Start s = start(LectureModel.HIDDEN);
        Network n = s.network();
        assertEquals("784-64-1", n.describe());
        float[] p = n.parameters();
        assertEquals((float) -0.5140858937950971, p[n.layer(0).weightOffset()]);
        assertEquals((float) 1.4785115900166534, p[n.layer(0).weightOffset() + 64 * 784 - 1]);
        assertEquals((float) 0.6767227984207956, p[n.layer(1).weightOffset() + 63]);
        assertEquals(15281, s.shuffle()[0], "the zero classifiers share the first shuffle");
    }

    @Test
    void softmaxNetworkUsesTheSecondShuffle() {
        LectureModel.Start s = start(LectureModel.SOFTMAX);
        Network n = s.network();
        assertEquals("784-64-10", n.describe());
        assertArrayEquals(new int[] {15898, 5219, 43203}, java.util.Arrays.copyOf(s.shuffle(), 3));
        float[] p = n.parameters();
        assertEquals((float) 0.4354236870281491, p[n.layer(0).weightOffset()]);
        assertEquals((float) 1.0793867026345347, p[n.layer(0).weightOffset() + 64 * 784 - 1]);
        assertEquals((float) 0.9431554741106748, p[n.layer(1).weightOffset()]);
        assertEquals((float) 3.053659574550164, p[n.layer(1).weightOffset() + 10 * 64 - 1]);
        for (int l = 0; l < n.layerCount(); l++) {
            for (int o = 0; o < n.layer(l).out(); o++) {
                assertEquals(0f, p[n.layer(l).biasOffset() + o], "biases start at zero");
            }
        }
    }
}
