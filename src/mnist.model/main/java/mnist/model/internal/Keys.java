package mnist.model.internal;

/**
 * The keys of a step's random choices (dropout masks, distortions): hashes of a seed drawn once per run,
 * the step's number, and then the row, unit or image, rather than draws from a shared generator, so that
 * every thread computes the same choices for the same rows, at any thread count and after a resume.
 */
final class Keys {
    private Keys() {
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash. */
    static long mix(long v) {
        v = (v ^ (v >>> 30)) * 0xBF58476D1CE4E5B9L;
        v = (v ^ (v >>> 27)) * 0x94D049BB133111EBL;
        return v ^ (v >>> 31);
    }
}
