package dev.streamrpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a channel the application uses: its name, or a pattern of names, and the events it
 * carries with each event's data type. Place it (once or several times) on a CDI bean class;
 * it is read at deployment and published in {@code /asyncapi.json}, {@code rpc.discover}'s
 * companion document, and the console.
 *
 * <pre>{@code
 * @ApplicationScoped
 * @StreamChannel(name = "orders.*", description = "One channel per region",
 *         events = {@StreamEvent(name = "created", data = Order.class),
 *                   @StreamEvent(name = "cancelled", data = Cancellation.class)})
 * public class OrderFeed { ... }
 * }</pre>
 *
 * <p>Declaring is optional: undeclared channels work as before. With
 * {@code stream.channels.validate=true}, a client's {@code publish} on a declared channel must
 * name a declared event and carry data that binds to its type and passes Bean Validation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(StreamChannels.class)
public @interface StreamChannel {

    /**
     * The channel's name, or a pattern of names in the syntax of event patterns ({@code *},
     * {@code ?}, {@code [a-z]}, {@code \x}), matched against the whole channel name:
     * {@code orders.*} covers {@code orders.eu} and {@code orders.us}.
     */
    String name();

    /** What the channel carries, for readers of the documents. */
    String description() default "";

    /** The events published on the channel. */
    StreamEvent[] events() default {};
}
