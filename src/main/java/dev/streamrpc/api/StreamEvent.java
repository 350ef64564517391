package dev.streamrpc.api;

import jakarta.json.JsonValue;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** One event of a {@link StreamChannel}: its name and the type of its {@code data}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface StreamEvent {

    /**
     * The event's name, or a pattern of names ({@code trade.*}); the empty name stands for
     * messages published without an event.
     */
    String name();

    /**
     * The type of the event's {@code data}, as JSON-B writes and reads it: a record, a POJO, a
     * {@code String}, a number type, ... Its Bean Validation constraints are part of the
     * contract. {@code JsonValue} (the default) means any JSON value.
     */
    Class<?> data() default JsonValue.class;

    /** What the event means, for readers of the documents. */
    String description() default "";
}
