package dev.streamrpc.rpc.cdi;

import jakarta.json.bind.annotation.JsonbProperty;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

import java.lang.reflect.AnnotatedElement;

/**
 * Names a violation's property as the client sent it: its {@code @JsonbProperty} name where it
 * has one (on the field, a record's component, or the getter), else its Java name. Field errors
 * are keyed by these names, so {@code {"coupon-code": "required"}} rather than {@code {"code": ...}}.
 */
final class JsonbNames implements PropertyNodeNameProvider {

    @Override
    public String getName(Property property) {
        String name = property.getName();
        if (property instanceof JavaBeanProperty bean) {
            String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (AnnotatedElement element : new AnnotatedElement[] {field(bean.getDeclaringClass(), name),
                    getter(bean.getDeclaringClass(), "get" + capitalised), getter(bean.getDeclaringClass(), "is" + capitalised)}) {
                JsonbProperty renamed = element == null ? null : element.getAnnotation(JsonbProperty.class);
                if (renamed != null && !renamed.value().isEmpty()) {
                    return renamed.value();
                }
            }
        }
        return name;
    }

    private static AnnotatedElement field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static AnnotatedElement getter(Class<?> type, String name) {
        try {
            return type.getDeclaredMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
