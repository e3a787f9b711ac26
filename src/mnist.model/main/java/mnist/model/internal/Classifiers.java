package mnist.model.internal;

import java.lang.invoke.MethodHandles;
import java.util.Objects;
import java.util.function.BiFunction;
import mnist.math.Backend;
import mnist.model.Classifier;

/**
 * Classifiers of models in memory, for the command line and the tests: the public {@link Classifier} makes
 * them only from files and from a {@code Trainer}, and takes no {@link SavedModel}, which is not API.
 * {@code Classifier} hands this class its factory when it is initialised, the way the JDK's own packages
 * reach each other's non-public members ({@code jdk.internal.access.SharedSecrets}).
 */
public final class Classifiers {
    private static volatile BiFunction<SavedModel, Backend, Classifier> factory;

    private Classifiers() {
    }

    /** Called once, by {@code Classifier}'s static initialiser. */
    public static void setFactory(BiFunction<SavedModel, Backend, Classifier> classifierFactory) {
        if (factory != null) {
            throw new IllegalStateException("the classifier factory is set already");
        }
        factory = Objects.requireNonNull(classifierFactory);
    }

    /** A classifier of a copy of the model's current parameters, on {@link Backend#preferred}'s backend. */
    public static Classifier of(SavedModel model) {
        return of(model, Backend.preferred().backend());
    }

    /** A classifier of a copy of the model's current parameters, on the given backend. */
    public static Classifier of(SavedModel model, Backend backend) {
        if (factory == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Classifier.class); // which sets the factory
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return factory.apply(model, backend);
    }
}
