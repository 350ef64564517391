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
import java.util.Collection;
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
 * ({@link BoundProperties}), collections, arrays, maps and optionals.
 * What the walk cannot see into is left to JSON-B: type variables, {@code Object}, and a type or
 * property with its own JSON-B deserializer or adapter. Each class's shape is worked out once;
 * the walk then visits only the members the type names, so its cost is at most linear in the
 * value. The shapes are kept by the instance, not in a {@code ClassValue}: one keyed by the
 * JDK's classes (Boolean, String) would hold the web app's class loader after an undeploy.
 */
final class LossCheck {

    private static final Shape ANY = value -> false;

    private static final Set<String> SCALAR_PACKAGES = Set.of("java.lang", "java.math", "java.time", "java.net");

    private final Map<Class<?>, Shape> classes = new ConcurrentHashMap<>();

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
        if (type instanceof Class<?> c) {
            return classes.computeIfAbsent(c, this::classShape);
        }
        if (type instanceof GenericArrayType array) {
            return new Elements(new Slot(array.getGenericComponentType()));
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (raw == Optional.class) {
                return shape(arguments[0]);
            }
            // A subtype's own type parameters need not be the element's or the value's: left to JSON-B.
            if (Collection.class.isAssignableFrom(raw)) {
                return arguments.length == 1 ? new Elements(new Slot(arguments[0])) : ANY;
            }
            if (Map.class.isAssignableFrom(raw)) {
                return arguments.length == 2 ? new Members(new Slot(arguments[1])) : ANY;
            }
            return classes.computeIfAbsent(raw, this::classShape);
        }
        return ANY;   // a type variable or a wildcard: the type is not known here
    }

    /** Creates slots only: working out another class's shape here would re-enter the map's computation. */
    private Shape classShape(Class<?> type) {
        if (type.isArray()) {
            return new Elements(new Slot(type.getComponentType()));
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
        return properties(BoundProperties.of(type));
    }

    /** Those read by their own deserializer or adapter are left to it. */
    private Shape properties(List<BoundProperties.Property> properties) {
        List<BoundProperties.Property> checked = properties.stream().filter(p -> !p.custom()).toList();
        if (checked.isEmpty()) {
            return ANY;
        }
        return new Properties(checked.stream().map(BoundProperties.Property::key).toArray(String[]::new),
                checked.stream().map(p -> new Slot(p.type())).toArray(Slot[]::new));
    }

    /** A type whose shape is worked out when first needed, which lets a type contain itself. */
    private final class Slot {

        private final Type type;
        // Unsynchronised: at worst two threads work out the same immutable shape.
        private Shape shape;

        Slot(Type type) {
            this.type = type;
        }

        boolean loses(JsonValue value) {
            Shape known = shape;
            if (known == null) {
                known = shape(type);
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
            if (value instanceof JsonArray array) {
                for (JsonValue item : array) {
                    if (element.loses(item)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private record Members(Slot member) implements Shape {
        @Override
        public boolean loses(JsonValue value) {
            if (value instanceof JsonObject object) {
                for (JsonValue item : object.values()) {
                    if (member.loses(item)) {
                        return true;
                    }
                }
            }
            return false;
        }
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
