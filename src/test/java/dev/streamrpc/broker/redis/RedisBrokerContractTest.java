package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerContract;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.testing.RedisInfo;
import dev.streamrpc.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The broker contract against a real redis-server (with a password), and what only Redis can do wrong. */
class RedisBrokerContractTest extends BrokerContract {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    protected Broker newBroker(PendingBytes pending, int historySize, Duration ttl) {
        return new RedisBroker(redis.uri(), TIMEOUT, pending, historySize, ttl);
    }

    private static RedisBroker another() {
        RedisBroker other = new RedisBroker(redis.uri(), TIMEOUT, new PendingBytes(1 << 30), 100, Duration.ofMinutes(5));
        other.start((channel, publication) -> { });
        return other;
    }

    @Test
    void aSecondBrokerOnTheSameRedisReceivesWhatThisOnePublishes() {
        done(broker.subscribe("shared"));
        try (RedisBroker other = another()) {
            done(other.publish("shared", "from.other", EncodedMessage.of("{\"x\":1}")));
        }
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("shared", "from.other", "{\"x\":1}"));
    }

    @Test
    void aRedisThatDoesNotAnswerFailsPublishAndSubscribeAfterTheTimeoutInsteadOfAcknowledging() throws Exception {
        done(broker.subscribe("frozen"));
        redis.pause();
        try {
            CompletableFuture<Void> publish = broker.publish("frozen", "e", EncodedMessage.of("1")).toCompletableFuture();
            CompletableFuture<StreamState> subscribe = broker.subscribe("later").toCompletableFuture();
            assertThatThrownBy(() -> done(publish)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotPublish.class);
            assertThatThrownBy(() -> done(subscribe)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotSubscribe.class);
        } finally {
            redis.resume();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).as("charges released on failure").isZero());
    }

    @Test
    void inboundPublicationsBeyondThePendingBudgetAreDroppedAndCountedNotQueued() throws Exception {
        broker.close();
        pending = new PendingBytes(10_000);
        CountDownLatch fanOutStuck = new CountDownLatch(1);
        broker = newBroker(pending, 100, Duration.ofMinutes(5));
        broker.start((channel, publication) -> {
            try {
                fanOutStuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record(channel, publication);
        });
        done(broker.subscribe("flood"));
        String padding = "x".repeat(1000);
        try (RedisBroker publisher = another()) {
            for (int i = 0; i < 100; i++) {
                done(publisher.publish("flood", "e", EncodedMessage.of(i + padding)));
            }
        }
        await().atMost(WAIT).until(() -> broker.dropped() > 0);
        assertThat(pending.used()).isLessThanOrEqualTo(10_000);
        fanOutStuck.countDown();
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).isZero());
        assertThat(seen.size() + broker.dropped()).isEqualTo(100);
    }

    @Test
    void startingAgainstAnUnreachableRedisFailsWithAClearMessageAndLeavesNoThreads() throws Exception {
        long lettuceThreadsBefore = lettuceThreads();
        RedisBroker unreachable = new RedisBroker("redis://127.0.0.1:1", TIMEOUT, new PendingBytes(1 << 20), 100, Duration.ofMinutes(5));
        assertThatThrownBy(() -> unreachable.start((channel, publication) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot connect to Redis at 127.0.0.1:1");
        await().atMost(WAIT).until(() -> lettuceThreads() <= lettuceThreadsBefore);
    }

    private static long lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("lettuce-") && thread.isAlive()).count();
    }

    /**
     * A channel name with a lone surrogate (a stream.channel-pattern such as .{1,200} lets one
     * through) has no UTF-8 form: encoded, it became "x?", another channel's Redis names, so its
     * subscribers received nothing and those of "x?" received its publications. Refused instead.
     */
    @Test
    void aChannelNameWithALoneSurrogateIsRefusedRatherThanTakenForAnother() {
        String lone = "x\uD800";
        done(broker.subscribe("x?"));
        assertThatThrownBy(() -> done(broker.subscribe(lone))).hasCauseInstanceOf(CannotSubscribe.class);
        assertThatThrownBy(() -> done(broker.publish(lone, "e", EncodedMessage.of("1")))).hasCauseInstanceOf(CannotPublish.class);
        assertThatThrownBy(() -> done(broker.history(lone, 0, 10))).hasCauseInstanceOf(CannotSubscribe.class);
        done(broker.unsubscribe(lone));   // as the hub does after a refused subscribe: "x?" stays subscribed
        done(broker.publish("x?", "e", EncodedMessage.of("marker")));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("x?", "e", "marker"));
        assertThat(pending.used()).isZero();
    }

    @Test
    void twoServersOnOneRedisShareEachChannelsOffsetsEpochAndHistory() {
        String channel = unique("shared-stream");
        done(broker.subscribe(channel));
        try (RedisBroker other = another()) {
            for (int i = 0; i < 10; i++) {
                done((i % 2 == 0 ? broker : other).publish(channel, "e", EncodedMessage.of(Integer.toString(i))));
            }
            await().atMost(WAIT).until(() -> positions.size() == 10);
            assertThat(positions).extracting(Publication::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            History fromOther = done(other.history(channel, 0, 100));
            assertThat(fromOther.state()).isEqualTo(new StreamState(positions.get(0).epoch(), 10));
            assertThat(fromOther.publications()).extracting(p -> p.message().text())
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        }
    }

    @Test
    void flushingRedisStartsANewEpoch() throws Exception {
        String channel = unique("flushed");
        done(broker.publish(channel, "e", EncodedMessage.of("1")));
        String before = done(broker.history(channel, 0, 0)).state().epoch();
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
             var connection = client.connect()) {
            connection.sync().flushall();
        }
        StreamState after = done(broker.history(channel, 0, 0)).state();
        assertThat(after.epoch()).isNotEqualTo(before);
        assertThat(after.offset()).isZero();
        done(broker.publish(channel, "e", EncodedMessage.of("2")));
        assertThat(done(broker.history(channel, 0, 10)).publications()).extracting(Publication::offset, Publication::epoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, after.epoch()));
    }

    @Test
    void channelsSubscribedTogetherShareSubscribeCommandsAndEachGetsItsOwnStreamsState() throws Exception {
        List<String> channels = new ArrayList<>();
        List<CompletableFuture<StreamState>> subscribed = new ArrayList<>();
        try (RedisBroker other = another()) {
            for (int i = 0; i < 400; i++) {
                channels.add(unique("batch-" + i));
                for (int published = 0; published < i % 5; published++) {
                    done(other.publish(channels.get(i), "e", EncodedMessage.of(Integer.toString(published))));
                }
            }
            long subscribesBefore = commands("subscribe");
            channels.forEach(channel -> subscribed.add(broker.subscribe(channel).toCompletableFuture()));
            for (int i = 0; i < channels.size(); i++) {
                StreamState state = done(subscribed.get(i));
                assertThat(state.offset()).as(channels.get(i)).isEqualTo(i % 5);
                assertThat(state).as(channels.get(i)).isEqualTo(done(other.history(channels.get(i), 0, 0)).state());
            }
            assertThat(commands("subscribe") - subscribesBefore).as("SUBSCRIBE commands for 400 channels").isLessThan(400);
            done(other.publish(channels.get(399), "after", EncodedMessage.of("last")));
        }
        await().atMost(WAIT).until(() -> !positions.isEmpty());
        assertThat(positions).extracting(Publication::offset).containsExactly(5L);
    }

    @Test
    void channelsLeftTogetherShareUnsubscribeCommandsAndNoneOfThemReceivesAnyMore() {
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            channels.add(unique("leaving-" + i));
        }
        String marker = unique("staying");
        channels.stream().map(channel -> broker.subscribe(channel).toCompletableFuture()).toList().forEach(BrokerContract::done);
        done(broker.subscribe(marker));
        long unsubscribesBefore = commands("unsubscribe");
        channels.stream().map(channel -> broker.unsubscribe(channel).toCompletableFuture()).toList().forEach(BrokerContract::done);
        assertThat(commands("unsubscribe") - unsubscribesBefore).as("UNSUBSCRIBE commands for 400 channels").isLessThan(400);
        try (RedisBroker other = another()) {
            for (String channel : channels) {
                done(other.publish(channel, "e", EncodedMessage.of("\"left\"")));
            }
            done(other.publish(marker, "e", EncodedMessage.of("\"marker\"")));
        }
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).as("the marker, published last, arrives alone").containsExactly(new Seen(marker, "e", "\"marker\""));
    }

    /** How many times Redis has run this command (lower case, as {@code INFO commandstats} names it) since it started. */
    private static long commands(String command) {
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
             var connection = client.connect()) {
            return RedisInfo.calls(connection.sync().info("commandstats"), command);
        }
    }
}
