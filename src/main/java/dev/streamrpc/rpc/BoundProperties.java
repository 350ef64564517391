package dev.streamrpc.rpc;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.json.bind.annotation.JsonbTypeAdapter;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The members JSON-B (default configuration) binds when it reads a record or a POJO: the
 * parameters of a {@code @JsonbCreator} if the type has one; a record's components; a POJO's
 * public setters and, where there is none, its public fields that are not final (inherited ones
 * included). A {@code @JsonbProperty} renames, {@code @JsonbTransient} (on the field, the getter
 * or the setter) omits; JSON-B's annotations on a record component land on its field, where
 * they are read here.
 */
final class BoundProperties {

    /**
     * @param key    the member of the JSON object it is read from
     * @param type   the type it binds to
     * @param custom whether its own deserializer or adapter reads it rather than JSON-B's
     */
    record Property(String key, Type type, boolean custom) {
    }

    private BoundProperties() {
    }

    static boolean isTypeCustomised(AnnotatedElement element) {
        return element.isAnnotationPresent(JsonbTypeDeserializer.class) || element.isAnnotationPresent(JsonbTypeAdapter.class);
    }

    /** A record's or a POJO's bound members; none for an interface or an abstract class. */
    static List<Property> of(Class<?> type) {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return List.of();
        }
        Executable creator = creator(type);
        if (creator != null) {
            return ofCreator(type, creator);
        }
        return type.isRecord() ? ofRecord(type) : ofPojo(type);
    }

    private static Executable creator(Class<?> type) {
        for (Executable candidate : type.getDeclaredConstructors()) {
            if (candidate.isAnnotationPresent(JsonbCreator.class)) {
                return candidate;
            }
        }
        for (Executable candidate : type.getDeclaredMethods()) {
            if (candidate.isAnnotationPresent(JsonbCreator.class) && Modifier.isStatic(candidate.getModifiers())) {
                return candidate;
            }
        }
        return null;
    }

    /** A creator's parameters, named by their {@code @JsonbProperty} (or their compiled names); the rest is not read. */
    private static List<Property> ofCreator(Class<?> type, Executable creator) {
        List<Property> properties = new ArrayList<>();
        Type[] types = creator.getGenericParameterTypes();
        Parameter[] parameters = creator.getParameters();
        if (types.length != parameters.length) {
            return properties;   // an inner class's constructor: its hidden parameter is not one of JSON-B's
        }
        for (int i = 0; i < parameters.length; i++) {
            Property property = property(parameters[i].getName(), types[i], parameters[i]);
            if (property != null) {
                properties.add(property);
            }
        }
        return properties;
    }

    private static List<Property> ofRecord(Class<?> record) {
        List<Property> properties = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Property property = property(component.getName(), component.getGenericType(),
                    declaredField(record, component.getName()), component.getAccessor());
            if (property != null) {
                properties.add(property);
            }
        }
        return properties;
    }

    private static List<Property> ofPojo(Class<?> pojo) {
        Map<String, Property> properties = new LinkedHashMap<>();
        for (Class<?> declaring = pojo; declaring != null && declaring != Object.class; declaring = declaring.getSuperclass()) {
            for (Field field : declaring.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)
                        && !Modifier.isFinal(modifiers)) {
                    properties.putIfAbsent(field.getName(), transientByGetter(pojo, field.getName()) ? null
                            : property(field.getName(), field.getGenericType(), field));
                }
            }
        }
        for (Method method : pojo.getMethods()) {
            String name = method.getName();
            if (name.length() > 3 && name.startsWith("set") && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers())) {
                String property = name.substring(3, 4).toLowerCase(Locale.ROOT) + name.substring(4);
                properties.put(property, transientByGetter(pojo, property) ? null
                        : property(property, method.getGenericParameterTypes()[0], fieldIn(pojo, property), method));
            }
        }
        return properties.values().stream().filter(Objects::nonNull).toList();
    }

    /** Null when a {@code @JsonbTransient} leaves the member out. */
    private static Property property(String javaName, Type type, AnnotatedElement... elements) {
        String key = javaName;
        boolean custom = false;
        for (AnnotatedElement element : elements) {
            if (element == null) {
                continue;
            }
            if (element.isAnnotationPresent(JsonbTransient.class)) {
                return null;
            }
            JsonbProperty renamed = element.getAnnotation(JsonbProperty.class);
            if (renamed != null && !renamed.value().isEmpty()) {
                key = renamed.value();
            }
            custom |= isTypeCustomised(element);
        }
        return new Property(key, type, custom);
    }

    /** A getter's {@code @JsonbTransient} omits the property both ways (its {@code @JsonbProperty} names only what is written). */
    private static boolean transientByGetter(Class<?> type, String property) {
        String capitalised = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : new String[] {"get" + capitalised, "is" + capitalised}) {
            try {
                if (type.getMethod(name).isAnnotationPresent(JsonbTransient.class)) {
                    return true;
                }
            } catch (NoSuchMethodException e) {
                // not this one
            }
        }
        return false;
    }

    private static Field fieldIn(Class<?> type, String name) {
        for (Class<?> declaring = type; declaring != null && declaring != Object.class; declaring = declaring.getSuperclass()) {
            Field field = declaredField(declaring, name);
            if (field != null) {
                return field;
            }
        }
        return null;
    }

    private static Field declaredField(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
