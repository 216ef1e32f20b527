package dev.gatehouse.function;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Java functions an embedding application registers, by name. Immutable: {@link #with} returns
 * a new registry. Thread-safe.
 */
public final class JavaFunctions {
    private static final JavaFunctions NONE = new JavaFunctions(Map.of());

    private final Map<String, GatehouseFunction> byName;

    private JavaFunctions(Map<String, GatehouseFunction> byName) {
        this.byName = byName;
    }

    public static JavaFunctions none() {
        return NONE;
    }

    /** This registry plus {@code function} under {@code name}; a name may be registered once. */
    public JavaFunctions with(String name, GatehouseFunction function) {
        Objects.requireNonNull(function);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Java function needs a name");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("Java function '" + name + "' is already registered");
        }
        Map<String, GatehouseFunction> copy = new LinkedHashMap<>(byName);
        copy.put(name, function);
        return new JavaFunctions(Map.copyOf(copy));
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<GatehouseFunction> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
