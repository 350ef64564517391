package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.lang.annotation.Annotation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns Bean Validation violations into the protocol's field errors: one entry per field,
 * keyed by its path, and {@code required} for a missing required field.
 */
public final class ViolationMapper {

    private ViolationMapper() {
    }

    public static Map<String, String> errors(Set<? extends ConstraintViolation<?>> violations) {
        Map<String, String> errors = new LinkedHashMap<>();
        violations.stream()
                .map(v -> Map.entry(field(v), text(v)))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> errors.putIfAbsent(e.getKey(), e.getValue()));
        return errors;
    }

    /**
     * The payload path of the violation: {@code lines[1].sku}, {@code tags[1]}. The validator's
     * own text names container elements ({@code tags[1].<list element>}), which is nothing a
     * client sent, so those names are left out.
     */
    private static String field(ConstraintViolation<?> violation) {
        StringBuilder path = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.isInIterable()) {
                path.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (node.getKind() == ElementKind.PROPERTY) {
                path.append(path.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return path.isEmpty() ? "payload" : path.toString();
    }

    private static String text(ConstraintViolation<?> violation) {
        Class<? extends Annotation> constraint = violation.getConstraintDescriptor().getAnnotation().annotationType();
        boolean requiredKind = constraint == NotNull.class || constraint == NotBlank.class || constraint == NotEmpty.class;
        if (requiredKind && violation.getInvalidValue() == null) {
            return ErrorTexts.REQUIRED;
        }
        return violation.getMessage();
    }
}
