package mnist.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The default backend: SIMD where the Vector API has vectors of 4 floats or more and is compiled, else scalar, with the reason. */
class BackendChoiceTest {

    @Test
    void simdWhereTheVectorsPayScalarOtherwiseWithTheReason() {
        Backend.Choice wide = Backend.choose(8, "mixed mode, sharing");
        assertEquals(Backend.SIMD, wide.backend());
        assertEquals("the Vector API with 8 float lanes (256-bit vectors)", wide.reason());
        assertEquals(Backend.SIMD, Backend.choose(4, "mixed mode").backend());
        Backend.Choice narrow = Backend.choose(2, "mixed mode");
        assertEquals(Backend.SCALAR, narrow.backend());
        assertEquals("the Vector API's vectors hold 2 floats here, too few to pay", narrow.reason());
        Backend.Choice interpreted = Backend.choose(16, "interpreted mode, sharing");
        assertEquals(Backend.SCALAR, interpreted.backend());
        assertTrue(interpreted.reason().contains("-Xint"), interpreted.reason());
        // this JVM: the tests run with vectors of 4, 8 or 16 floats (-XX:MaxVectorSize=16, 32, or the machine's)
        Backend.Choice here = Backend.preferred();
        assertEquals(Backend.SIMD, here.backend(), here.reason());
        assertTrue(here.reason().contains(mnist.math.internal.SimdKernels.SPECIES.length() + " float lanes"), here.reason());
    }
}
