package mnist.math.random;

/** Keeps the exported package non-empty until the generators land; delete it then. */
final class KernelsBranchPlaceholder {
    private KernelsBranchPlaceholder() {
    }
}
