package dev.streamrpc.broker;

/**
 * Carries publications between the servers that share channels. The hub subscribes a
 * channel when it gains its first local subscriber and unsubscribes it after the last one
 * leaves; every publication the broker receives for a subscribed channel, including those
 * published on this server, goes to the {@link BrokerCallback} given to {@link #start}.
 *
 * <p>Calls for one channel are never concurrent (the hub makes them under that channel's
 * transition), but calls for different channels may be.
 */
public interface Broker extends AutoCloseable {

    /** Starts the broker; every inbound publication goes to {@code callback}, on any thread. */
    void start(BrokerCallback callback);

    /**
     * Publishes an encoded message to a channel. It must not block on a slow subscriber.
     *
     * @throws CannotPublish when the broker cannot take the message
     */
    void publish(String channel, String event, EncodedMessage message) throws CannotPublish;

    /**
     * Starts receiving a channel's publications.
     *
     * @throws CannotSubscribe when the broker refuses the channel
     */
    void subscribe(String channel) throws CannotSubscribe;

    /** Stops receiving a channel's publications. */
    void unsubscribe(String channel);

    /** Hook: a connection on this server added {@code pattern} on {@code channel}. Does nothing by default. */
    default void eventSubscribed(String channel, String pattern) {
    }

    /** Hook: a connection on this server removed {@code pattern} from {@code channel}. Does nothing by default. */
    default void eventUnsubscribed(String channel, String pattern) {
    }

    /** A short state for health reports: {@code connected}, or for a distributed broker also {@code reconnecting}. */
    default String state() {
        return "connected";
    }

    /** How many times the broker has reconnected since start; 0 for a broker without a connection. */
    default long reconnects() {
        return 0;
    }

    /** Releases the broker's resources; called after every connection has closed. */
    @Override
    void close();
}
