package dev.streamrpc.rpc;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the values JSON-B (Yasson 3) would bind by losing them where it should refuse them:
 * a boolean from anything but {@code true} or {@code false} ({@code 1} and {@code "yes"} became
 * {@code false}), a char from anything but a one-character string ({@code "abc"} became
 * {@code 'a'}, {@code 65} became {@code '6'}), a float or double from a number beyond its range
 * ({@code 1e400} became Infinity), and any scalar from an array (the last element was taken:
 * {@code [1,2]} became {@code 2}).
 *
 * <p>The value is walked along the target type: the members a record or POJO binds
 * ({@link BoundProperties}), collections, arrays, maps and optionals, type variables as what
 * the type's arguments or a subclass bind them to. What the walk cannot see into is left to
 * JSON-B: a type variable nothing binds, {@code Object}, and a type or property with its own
 * JSON-B deserializer or adapter. Each class's shape is worked out once;
 * the walk then visits only the members the type names, so its cost is at most linear in the
 * value. The shapes are kept by the instance, not in a {@code ClassValue}: one keyed by the
 * JDK's classes (Boolean, String) would hold the web app's class loader after an undeploy.
 */
final class LossCheck {

    private static final Shape ANY = value -> false;

    private static final Set<String> SCALAR_PACKAGES = Set.of("java.lang", "java.math", "java.time", "java.net");

    private final Map<Class<?>, Shape> classes = new ConcurrentHashMap<>();
    private final Map<Type, Shape> generics = new ConcurrentHashMap<>();

    /** True when JSON-B would bind some scalar of the value to the type by losing it. */
    boolean loses(JsonValue value, Type type) {
        return shape(type).loses(value);
    }

    /** What a JSON value must look like to bind to one type without loss. */
    @FunctionalInterface
    private interface Shape {
        boolean loses(JsonValue value);
    }

    private Shape shape(Type type) {
        return shape(type, Map.of());
    }

    /**
     * @param bindings what the type variables in scope stand for (each a slot in its own scope);
     *        one not bound is not known here, and left to JSON-B
     */
    private Shape shape(Type type, Map<TypeVariable<?>, Slot> bindings) {
        if (type instanceof Class<?> c) {
            return classes.computeIfAbsent(c, this::classShape);
        }
        if (type instanceof TypeVariable<?> variable) {
            Slot bound = bindings.get(variable);
            return bound == null ? ANY : bound;
        }
        if (type instanceof GenericArrayType array) {
            return new Elements(new Slot(array.getGenericComponentType(), bindings));
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (raw == Optional.class) {
                return shape(arguments[0], bindings);
            }
            // A subtype's own type parameters need not be the element's or the value's: left to JSON-B.
            if (Collection.class.isAssignableFrom(raw)) {
                return arguments.length == 1 ? new Elements(new Slot(arguments[0], bindings)) : ANY;
            }
            if (Map.class.isAssignableFrom(raw)) {
                return arguments.length == 2 ? new Members(new Slot(arguments[1], bindings)) : ANY;
            }
            if (bindings.isEmpty()) {
                // A method's payload type: the same object on every call, so its shape is kept.
                return generics.computeIfAbsent(parameterized, t -> generic(raw, arguments, Map.of()));
            }
            return generic(raw, arguments, bindings);
        }
        return ANY;   // a wildcard: the type is not known here
    }

    /** A generic record or POJO with its type arguments ({@code Page<Item>}): its members see what they stand for. */
    private Shape generic(Class<?> raw, Type[] arguments, Map<TypeVariable<?>, Slot> bindings) {
        Shape plain = classes.computeIfAbsent(raw, this::classShape);
        if (!(plain instanceof Properties)) {
            return plain;
        }
        TypeVariable<?>[] variables = raw.getTypeParameters();
        Map<TypeVariable<?>, Slot> own = new HashMap<>();
        for (int i = 0; i < variables.length && i < arguments.length; i++) {
            own.put(variables[i], new Slot(arguments[i], bindings));
        }
        return members(raw, own);
    }

    /** Creates slots only: working out another class's shape here would re-enter the map's computation. */
    private Shape classShape(Class<?> type) {
        if (type.isArray()) {
            return new Elements(new Slot(type.getComponentType(), Map.of()));
        }
        if (type == boolean.class || type == Boolean.class) {
            return Scalar.BOOLEAN;
        }
        if (type == char.class || type == Character.class) {
            return Scalar.CHAR;
        }
        if (type == float.class || type == Float.class) {
            return Scalar.FLOAT;
        }
        if (type == double.class || type == Double.class) {
            return Scalar.DOUBLE;
        }
        if (type == Object.class || JsonValue.class.isAssignableFrom(type) || BoundProperties.isTypeCustomised(type)) {
            return ANY;
        }
        if (type.isPrimitive() || type.isEnum() || type == UUID.class || Number.class.isAssignableFrom(type)
                || SCALAR_PACKAGES.contains(type.getPackageName()) && Modifier.isFinal(type.getModifiers())) {
            return Scalar.PLAIN;
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type.getPackageName().startsWith("java.")) {
            return ANY;   // a raw collection or map's elements are not known; other JDK types are JSON-B's
        }
        return members(type, new HashMap<>());
    }

    /**
     * A record's or POJO's members, those read by their own deserializer or adapter left to it.
     * A member declared with a superclass's type variable ({@code T value} in {@code Base<T>})
     * takes what the subclass binds it to ({@code extends Base<Boolean>}).
     *
     * @param bindings the type's own variables, if it has arguments; its superclasses' are added
     */
    private Shape members(Class<?> type, Map<TypeVariable<?>, Slot> bindings) {
        for (Class<?> declaring = type; declaring != null && declaring != Object.class; declaring = declaring.getSuperclass()) {
            if (declaring.getGenericSuperclass() instanceof ParameterizedType parent && parent.getRawType() instanceof Class<?> raw) {
                TypeVariable<?>[] variables = raw.getTypeParameters();
                Type[] arguments = parent.getActualTypeArguments();
                for (int i = 0; i < variables.length && i < arguments.length; i++) {
                    bindings.put(variables[i], new Slot(arguments[i], bindings));
                }
            }
        }
        List<BoundProperties.Property> checked = BoundProperties.of(type).stream().filter(p -> !p.custom()).toList();
        if (checked.isEmpty()) {
            return ANY;
        }
        // Every slot shares the map, complete before any of them reads it (they read it lazily).
        return new Properties(checked.stream().map(BoundProperties.Property::key).toArray(String[]::new),
                checked.stream().map(p -> new Slot(p.type(), bindings)).toArray(Slot[]::new));
    }

    /** A type whose shape is worked out when first needed, which lets a type contain itself. */
    private final class Slot implements Shape {

        private final Type type;
        private final Map<TypeVariable<?>, Slot> bindings;
        // Unsynchronised: at worst two threads work out the same immutable shape.
        private Shape shape;

        Slot(Type type, Map<TypeVariable<?>, Slot> bindings) {
            this.type = type;
            this.bindings = bindings;
        }

        @Override
        public boolean loses(JsonValue value) {
            Shape known = shape;
            if (known == null) {
                known = shape(type, bindings);
                shape = known;
            }
            return known.loses(value);
        }
    }

    private record Properties(String[] keys, Slot[] slots) implements Shape {

        @Override
        public boolean loses(JsonValue value) {
            if (!(value instanceof JsonObject object)) {
                return false;   // JSON-B refuses it, or binds null
            }
            for (int i = 0; i < keys.length; i++) {
                JsonValue member = object.get(keys[i]);
                if (member != null && slots[i].loses(member)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Elements(Slot element) implements Shape {
        @Override
        public boolean loses(JsonValue value) {
            return value instanceof JsonArray array && anyLoses(array, element);
        }
    }

    /** A map's values. */
    private record Members(Slot member) implements Shape {
        @Override
        public boolean loses(JsonValue value) {
            return value instanceof JsonObject object && anyLoses(object.values(), member);
        }
    }

    private static boolean anyLoses(Collection<JsonValue> values, Slot slot) {
        for (JsonValue value : values) {
            if (slot.loses(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A type JSON-B reads from one JSON scalar. A string holding a number or a boolean is
     * accepted as JSON-B reads it ({@code "5"} for an int, {@code "true"} for a boolean, and for
     * floats its {@code "NaN"} and {@code "Infinity"}); a number is rounded to the nearest the
     * type holds, but one beyond its range is refused.
     */
    private enum Scalar implements Shape {
        PLAIN, BOOLEAN, CHAR, FLOAT, DOUBLE;

        @Override
        public boolean loses(JsonValue value) {
            return switch (value.getValueType()) {
                case NULL -> false;
                case ARRAY, OBJECT -> true;
                case TRUE, FALSE -> this == CHAR;
                case STRING -> losesString(((JsonString) value).getString());
                case NUMBER -> losesNumber((JsonNumber) value);
            };
        }

        private boolean losesString(String text) {
            return switch (this) {
                case PLAIN -> false;
                case BOOLEAN -> !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false");
                case CHAR -> text.length() != 1;
                case FLOAT, DOUBLE -> !text.contains("Infinity") && Double.isInfinite(parse(text));
            };
        }

        private boolean losesNumber(JsonNumber number) {
            return switch (this) {
                case PLAIN -> false;
                case BOOLEAN, CHAR -> true;
                case FLOAT -> Float.isInfinite(number.bigDecimalValue().floatValue());
                case DOUBLE -> Double.isInfinite(number.bigDecimalValue().doubleValue());
            };
        }

        /** As JSON-B parses it; what it cannot parse it refuses itself. */
        private double parse(String text) {
            try {
                return this == FLOAT ? Float.parseFloat(text) : Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
