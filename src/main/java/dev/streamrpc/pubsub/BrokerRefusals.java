package dev.streamrpc.pubsub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs the broker's refusals of channel subscriptions once per run of them: the first at WARN,
 * the rest at DEBUG, and at the next confirmed subscription how many there were. When Redis
 * stalls during a reconnect storm every new channel is refused, and a line each (100,000 in
 * the benchmark's storm) would bury the one that says why; clients get their error either way,
 * and {@code streamrpc_rpc_errors_total} counts them.
 */
final class BrokerRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRefusals.class);

    private final AtomicLong inRun = new AtomicLong();

    void refused(String channel, Throwable cause) {
        if (inRun.getAndIncrement() == 0) {
            LOG.warn("The broker did not confirm the subscription to channel {}: {}; further refusals are logged at DEBUG "
                    + "until a subscription is confirmed again", channel, cause.toString());
        } else {
            LOG.debug("The broker did not confirm the subscription to channel {}: {}", channel, cause.toString());
        }
    }

    void confirmed() {
        if (inRun.get() == 0) {
            return;   // the usual case: no write on the path of every new channel
        }
        long refused = inRun.getAndSet(0);
        if (refused > 0) {
            LOG.warn("The broker confirms channel subscriptions again, after refusing {}", refused);
        }
    }
}
