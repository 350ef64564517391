package dev.streamrpc.demo;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The demo application's channel declaration: {@code prices} carries {@code trade.*} events
 * whose data is a {@link Trade}. It is what the console's documentation view shows; with
 * {@code stream.channels.validate=true} a client's trade without a price is refused.
 */
@ApplicationScoped
@StreamChannel(name = "prices", description = "Trades as they happen",
        events = @StreamEvent(name = "trade.*", data = PriceChannel.Trade.class, description = "A trade of the symbol after the dot"))
public class PriceChannel {

    /** One trade. */
    public record Trade(@PositiveOrZero double price) {
    }
}
