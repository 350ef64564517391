package dev.streamrpc.discovery;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A description, and optionally an example as JSON text, for a property of the protocol's own
 * wire types ({@link Wire}); {@link JsonSchemas} copies both into the property's schema.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
@interface Doc {

    String value();

    /** JSON text, for example {@code "\"prices\""} or {@code "37"}; empty for none. */
    String example() default "";

    /** Whether the property may be JSON {@code null} (rather than absent). */
    boolean nullable() default false;
}
