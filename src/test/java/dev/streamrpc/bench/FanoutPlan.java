package dev.streamrpc.bench;

/**
 * Where a fanout round's messages go. Subscriber {@code i} and message {@code i} both go to
 * channel {@code i mod channels} (named {@code channel} when there is one, {@code channel-K}
 * when there are several); messages take turns over {@code publishers} connections, which
 * share the window; with {@code positions} every subscriber asks for positions (as stream.js does).
 */
record FanoutPlan(String channel, int channels, int publishers, boolean positions) {

    /** The main fanout scenario's: one channel, one publisher, no positions (version 1 of the protocol). */
    static final FanoutPlan ONE_CHANNEL = new FanoutPlan("bench", 1, 1, false);

    String channel(int i) {
        return channels == 1 ? channel : channel + "-" + i % channels;
    }

    String subscribe(int i) {
        return "{\"channel\":\"" + channel(i) + "\"" + (positions ? ",\"position\":true" : "") + "}";
    }

    /** Deliveries the round should make: over the channels, their subscribers times their messages. */
    long expected(int subscribers, int messages) {
        long total = 0;
        for (int k = 0; k < channels; k++) {
            total += (long) share(subscribers, k) * share(messages, k);
        }
        return total;
    }

    /** How many of {@code count} items, dealt in turn, go to channel {@code k}. */
    private int share(int count, int k) {
        return count / channels + (k < count % channels ? 1 : 0);
    }
}
