package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Logs the vector species in use; with -Dmnist.test.expectedLanes=N, checks that it has N lanes. */
class SpeciesTest {

    @Test
    void speciesAsExpected() {
        String expected = System.getProperty("mnist.test.expectedLanes", "");
        int lanes = SimdKernels.SPECIES.length();
        System.out.printf("SIMD species: %s (%d float lanes), expected: %s%n", SimdKernels.SPECIES, lanes,
                expected.isBlank() ? "any" : expected);
        if (!expected.isBlank()) {
            assertEquals(Integer.parseInt(expected), lanes, "float lanes of SPECIES_PREFERRED");
        }
    }
}
