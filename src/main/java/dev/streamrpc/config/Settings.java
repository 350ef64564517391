package dev.streamrpc.config;

import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every {@code stream.*} setting, read once from MicroProfile Config (system properties,
 * environment variables such as {@code STREAM_MAX_SUBSCRIPTIONS}, or
 * {@code META-INF/microprofile-config.properties}) and checked. The rest of the server
 * receives this value; nothing else reads configuration. A bad value fails start-up with a
 * message naming the key.
 *
 * @param maxMessageBytes largest text message in UTF-8 bytes (1009 beyond)
 * @param maxQueuedBytes per-connection outbox limit in UTF-8 bytes (1008 {@code slow consumer} beyond)
 * @param maxSubscriptions event patterns one connection may hold
 * @param channelPattern the rule a channel name must follow
 * @param maxConnections open connections per server (HTTP 503 beyond)
 * @param idleTimeout a connection without frames for this long is closed
 * @param pingInterval how often a connection that sent no message is pinged; one that answers
 *        neither that ping nor with a message by the next is closed ({@link Duration#ZERO}: no pings)
 * @param rateLimit requests per second per connection
 * @param rateBurst requests a connection may make at once
 * @param allowedOrigins browser origins that may connect ({@code self}, {@code *}, or a comma-separated list)
 * @param rpcWorkers threads running blocking RPC methods
 * @param rpcQueue calls that may wait for a worker
 * @param shutdownGrace how long shutdown waits for queued frames and close handshakes
 * @param sendPath {@code auto} (Jetty's core send path when available) or {@code jakarta} (the portable one everywhere)
 * @param compression whether a client's offer of {@code permessage-deflate} is accepted
 * @param broker {@code memory} or {@code redis}
 * @param redisUri where the Redis broker connects; for a cluster, one or more seed nodes, comma-separated
 * @param redisCluster whether {@code redisUri} names a Redis Cluster (sharded pub/sub)
 * @param clusterRefresh how often the cluster broker reads the cluster's topology
 * @param brokerTimeout how long the broker may take to confirm a subscription or accept a publication
 * @param maxPendingBytes bytes of publications on their way (unacknowledged by the broker, or not yet fanned out);
 *        beyond, publishing is refused and inbound publications are dropped
 * @param historySize publications kept per channel ({@code 0}: history off)
 * @param historyTtl how long each publication is kept, and how long a channel nobody publishes to keeps its stream
 * @param historyMaxRecovery the most publications one subscribe may recover
 * @param historyMaxBytes the memory broker's bound on all channels' streams and history, in bytes of heap (oldest publications go first)
 * @param channelsValidate whether a client's publication to a declared channel must fit its declared data type
 * @param apiTitle the application's title in the OpenRPC and AsyncAPI documents
 * @param apiVersion the application's version in those documents
 * @param apiDescription the application's description in those documents ({@code ""} for none)
 */
public record Settings(
        int maxMessageBytes,
        long maxQueuedBytes,
        int maxSubscriptions,
        Pattern channelPattern,
        int maxConnections,
        Duration idleTimeout,
        Duration pingInterval,
        double rateLimit,
        double rateBurst,
        String allowedOrigins,
        int rpcWorkers,
        int rpcQueue,
        Duration shutdownGrace,
        String sendPath,
        boolean compression,
        String broker,
        String redisUri,
        boolean redisCluster,
        Duration clusterRefresh,
        Duration brokerTimeout,
        long maxPendingBytes,
        int historySize,
        Duration historyTtl,
        int historyMaxRecovery,
        long historyMaxBytes,
        boolean channelsValidate,
        String apiTitle,
        String apiVersion,
        String apiDescription) {

    /** Reads and checks every setting; throws {@link IllegalArgumentException} naming each bad key. */
    public static Settings from(Config config) {
        Reader read = new Reader(config);
        Settings settings = new Settings(
                read.positiveInt("stream.max-message-bytes", 65_536),
                read.positiveLong("stream.max-queued-bytes", 1_048_576),
                read.positiveInt("stream.max-subscriptions", 256),
                read.pattern("stream.channel-pattern", "[a-z0-9_\\-.:]{1,200}"),
                read.positiveInt("stream.max-connections", 20_000),
                read.duration("stream.idle-timeout", "PT5M"),
                read.durationOrOff("stream.ping-interval", "PT25S"),
                read.positiveDouble("stream.rate-limit", 1000),
                read.atLeastOne("stream.rate-burst", 2000),
                read.string("stream.allowed-origins", "self"),
                read.positiveInt("stream.rpc-workers", 64),
                read.positiveInt("stream.rpc-queue", 10_000),
                read.duration("stream.shutdown-grace", "PT10S"),
                read.choice("stream.send-path", "auto", "auto", "jakarta"),
                read.bool("stream.compression", false),
                read.choice("stream.broker", "memory", "memory", "redis"),
                read.string("stream.redis.uri", "redis://localhost:6379"),
                read.bool("stream.redis.cluster", false),
                read.duration("stream.redis.cluster.refresh-period", "PT1S"),
                read.duration("stream.broker.timeout", "PT5S"),
                read.positiveLong("stream.max-pending-bytes", 64L << 20),
                read.nonNegativeInt("stream.history.size", 100),
                read.duration("stream.history.ttl", "PT5M"),
                read.positiveInt("stream.history.max-recovery", 1000),
                read.positiveLong("stream.history.max-bytes", 128L << 20),
                read.bool("stream.channels.validate", false),
                read.string("stream.api.title", "StreamRPC"),
                read.string("stream.api.version", "0.0.0"),
                read.string("stream.api.description", ""));
        read.failOnProblems();
        return settings;
    }

    /** Reads typed values and collects every problem, so that one start-up names them all. */
    private static final class Reader {

        private final Config config;
        private final List<String> problems = new ArrayList<>();

        Reader(Config config) {
            this.config = config;
        }

        String string(String key, String fallback) {
            return config.getOptionalValue(key, String.class).map(String::trim).orElse(fallback);
        }

        int positiveInt(String key, int fallback) {
            long value = positiveLong(key, fallback);
            if (value > Integer.MAX_VALUE) {
                problems.add(key + ": at most " + Integer.MAX_VALUE + ", got " + value);
                return fallback;
            }
            return (int) value;
        }

        int nonNegativeInt(String key, int fallback) {
            String text = string(key, Integer.toString(fallback));
            return text.equals("0") ? 0 : positiveInt(key, fallback);
        }

        long positiveLong(String key, long fallback) {
            String text = string(key, Long.toString(fallback));
            try {
                long value = Long.parseLong(text);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(key + ": expected a whole number above 0, got '" + text + "'");
            return fallback;
        }

        double positiveDouble(String key, double fallback) {
            return number(key, fallback, value -> value > 0, "a number above 0");
        }

        /** A bucket of fewer than one token never holds a whole request: every request would be refused. */
        double atLeastOne(String key, double fallback) {
            return number(key, fallback, value -> value >= 1, "a number of at least 1");
        }

        private double number(String key, double fallback, DoublePredicate allowed, String expected) {
            String text = string(key, Double.toString(fallback));
            try {
                double value = Double.parseDouble(text);
                if (Double.isFinite(value) && allowed.test(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(key + ": expected " + expected + ", got '" + text + "'");
            return fallback;
        }

        /**
         * At least a millisecond: every duration is used in whole milliseconds, where less is 0,
         * and 0 means something else there (an idle timeout of 0 is none, a key expiring in 0 ms
         * in Redis is deleted at once, a period of 0 fails start-up far from its key).
         */
        Duration duration(String key, String fallback) {
            String text = string(key, fallback);
            try {
                Duration value = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (value.toMillis() >= 1) {
                    return value;
                }
            } catch (DateTimeParseException | ArithmeticException e) {
                // reported below; ArithmeticException: more milliseconds than a long holds
            }
            problems.add(key + ": expected an ISO-8601 duration of at least 1 ms (PT0.001S) such as PT30S, got '" + text + "'");
            return Duration.parse(fallback);
        }

        /**
         * Zero ({@code PT0S}) for off, or a duration of at least a second: a peer must have time to
         * answer, and one timer thread runs every connection's beats.
         */
        Duration durationOrOff(String key, String fallback) {
            String text = string(key, fallback);
            try {
                Duration value = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (value.isZero() || value.compareTo(Duration.ofSeconds(1)) >= 0 && value.toNanos() > 0) {
                    return value;
                }
            } catch (DateTimeParseException | ArithmeticException e) {
                // reported below; ArithmeticException: more nanoseconds than a long holds
            }
            problems.add(key + ": expected PT0S (off) or an ISO-8601 duration of at least 1 s (PT1S), got '" + text + "'");
            return Duration.parse(fallback);
        }

        Pattern pattern(String key, String fallback) {
            String text = string(key, fallback);
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                problems.add(key + ": not a regular expression: " + e.getDescription());
                return Pattern.compile(fallback);
            }
        }

        boolean bool(String key, boolean fallback) {
            return Boolean.parseBoolean(choice(key, Boolean.toString(fallback), "true", "false"));
        }

        String choice(String key, String fallback, String... allowed) {
            String text = string(key, fallback);
            for (String option : allowed) {
                if (option.equals(text)) {
                    return text;
                }
            }
            problems.add(key + ": expected one of " + String.join(", ", allowed) + ", got '" + text + "'");
            return fallback;
        }

        void failOnProblems() {
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid StreamRPC settings: " + String.join("; ", problems));
            }
        }
    }
}
