package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.lang.annotation.Annotation;
import java.util.Comparator;
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
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .forEach(v -> errors.putIfAbsent(field(v), text(v)));
        return errors;
    }

    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        return path.isEmpty() ? "payload" : path;
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
