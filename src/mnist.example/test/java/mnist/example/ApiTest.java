package mnist.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.model.Classifier;
import org.junit.jupiter.api.Test;

/**
 * What an embedder sees of mnist, checked on the module descriptors: the API packages and no others, and
 * no internal type in the API's signatures (issue 12). A package added to the API is added here on purpose.
 */
class ApiTest {

    /** The packages every module may read, by module. */
    private static final Map<String, Set<String>> API = Map.of(
            "mnist.data", Set.of("mnist.data"),
            "mnist.math", Set.of("mnist.math"),
            "mnist.model", Set.of("mnist.model"));

    /** The only modules an internal package may be exported to. */
    private static final Set<String> OWN = Set.of("mnist.model", "mnist.app");

    private static Module module(String name) {
        Module module = switch (name) {
            case "mnist.data" -> Mnist.class.getModule();
            case "mnist.math" -> Backend.class.getModule();
            case "mnist.model" -> Classifier.class.getModule();
            default -> throw new IllegalArgumentException(name);
        };
        assumeTrue(module.isNamed(), "on the class path every package is open to all: nothing to check");
        return module;
    }

    @Test
    void onlyTheApiPackagesAreExportedToAll() {
        for (String name : new TreeSet<>(API.keySet())) {
            ModuleDescriptor descriptor = module(name).getDescriptor();
            Set<String> unqualified = descriptor.exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(API.get(name)), unqualified, name + " exports to every module");
            assertTrue(descriptor.opens().isEmpty(), name + " opens " + descriptor.opens());
            for (ModuleDescriptor.Exports e : descriptor.exports()) {
                if (e.isQualified()) {
                    assertTrue(OWN.containsAll(e.targets()), name + " exports " + e.source() + " to " + e.targets()
                            + ": only mnist's own modules " + OWN + " may read its internals");
                }
            }
            System.out.printf("%s exports %s to all; %s%n", name, unqualified, descriptor.exports().stream()
                    .filter(ModuleDescriptor.Exports::isQualified)
                    .map(e -> e.source() + " to " + new TreeSet<>(e.targets())).toList());
        }
    }

    /**
     * Every type that a public or protected member of an API type names (its parameters, results, exceptions,
     * fields, supertypes, type arguments) is itself in an API package, or in the JDK's: an embedder can call
     * every method it sees, and the javadoc links to nothing it leaves out.
     */
    @Test
    void theApiNamesNoInternalType() throws IOException {
        List<String> leaks = new ArrayList<>();
        int types = 0;
        for (String name : new TreeSet<>(API.keySet())) {
            Module module = module(name);
            for (Class<?> type : apiTypes(module)) {
                types++;
                check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
                for (Type t : type.getGenericInterfaces()) {
                    check(type.getName() + " implements", t, leaks);
                }
                for (Field f : type.getDeclaredFields()) {
                    if (visible(f.getModifiers()) && !f.isSynthetic()) {
                        check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
                    }
                }
                for (Constructor<?> c : type.getDeclaredConstructors()) {
                    check(type.getName(), c, leaks);
                }
                for (Method m : type.getDeclaredMethods()) {
                    check(type.getName() + "." + m.getName(), m, leaks);
                    if (visible(m.getModifiers()) && !m.isSynthetic()) {
                        check(type.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
                    }
                }
            }
        }
        System.out.printf("API: %d public types in %s, %d names of other types%n", types,
                new TreeMap<>(API).values(), leaks.size());
        assertEquals(List.of(), leaks, "the API names types an embedder cannot use");
    }

    /** The public types of the module's API packages, nested ones included, by name. */
    private static List<Class<?>> apiTypes(Module module) throws IOException {
        Set<String> packages = API.get(module.getName());
        ModuleReader reader = ModuleLayer.boot().configuration().findModule(module.getName()).orElseThrow()
                .reference().open();
        try (reader; Stream<String> resources = reader.list()) {
            return resources.filter(r -> r.endsWith(".class") && !r.equals("module-info.class"))
                    .map(r -> r.substring(0, r.length() - ".class".length()).replace('/', '.'))
                    .filter(c -> packages.contains(c.substring(0, c.lastIndexOf('.'))))
                    .sorted()
                    .<Class<?>>map(c -> Class.forName(module, c))
                    .filter(ApiTest::reachable)
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Public, and if nested, in a public type, all the way out. */
    private static boolean reachable(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(String where, Executable e, List<String> leaks) {
        if (!visible(e.getModifiers()) || e.isSynthetic()) {
            return;
        }
        for (Type t : e.getGenericParameterTypes()) {
            check(where + " takes", t, leaks);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(where + " throws", t, leaks);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(where + " bounds", v, leaks);
        }
    }

    private static void check(String where, Type type, List<String> leaks) {
        check(where, type, leaks, new TreeSet<>());
    }

    private static void check(String where, Type type, List<String> leaks, Set<String> seen) {
        switch (type) {
            case null -> {
            }
            case Class<?> c when c.isArray() -> check(where, c.getComponentType(), leaks, seen);
            case Class<?> c -> {
                if (!c.isPrimitive() && !exported(c)) {
                    leaks.add(where + " " + c.getName());
                }
            }
            case ParameterizedType p -> {
                check(where, p.getRawType(), leaks, seen);
                check(where, p.getOwnerType(), leaks, seen);
                for (Type a : p.getActualTypeArguments()) {
                    check(where, a, leaks, seen);
                }
            }
            case GenericArrayType a -> check(where, a.getGenericComponentType(), leaks, seen);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    check(where, b, leaks, seen);
                }
                for (Type b : w.getLowerBounds()) {
                    check(where, b, leaks, seen);
                }
            }
            case TypeVariable<?> v -> {
                if (seen.add(v.getName())) {
                    for (Type b : v.getBounds()) {
                        check(where, b, leaks, seen);
                    }
                }
            }
            default -> leaks.add(where + " " + type + " (an unknown kind of type)");
        }
    }

    /** Public and in a package its module exports to every module (the JDK's or ours). */
    private static boolean exported(Class<?> c) {
        Module m = c.getModule();
        return reachable(c) && m.isNamed() && m.getDescriptor().exports().stream()
                .anyMatch(e -> !e.isQualified() && e.source().equals(c.getPackageName()));
    }
}
