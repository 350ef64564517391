package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.StreamState;
import dev.streamrpc.testing.RedisInfo;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch's SUBSCRIBE or UNSUBSCRIBE sent to a real redis-server, where the test decides which
 * of Redis's per-channel confirmations reach the batches: a confirmation that never comes (the
 * connection broke between two of them) must fail the whole batch as a command timeout, and
 * leave none of its channels waiting, so that Lettuce's own resubscribing later is not taken
 * for ours.
 */
class ChannelBatchesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisServer redis;

    private RedisClient client;
    private StatefulRedisPubSubConnection<byte[], byte[]> connection;
    /** The channels whose confirmations the test keeps from the batches. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /** The sender's tasks, run when the test says: what is queued before then goes in one batch. */
    private final Queue<Runnable> sends = new ConcurrentLinkedQueue<>();
    private final AtomicInteger stateReads = new AtomicInteger();
    /** How many channels each state read was for: one read per batch. */
    private final Queue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
    private ChannelBatches<StreamState> batches;
    private ChannelBatches<Void> unsubscribes;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void connect() {
        client = RedisClient.create(redis.uri());
        connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        batches = new ChannelBatches<>("SUBSCRIBE", sends::add, TIMEOUT, connection.async()::subscribe, this::states);
        unsubscribes = new ChannelBatches<>("UNSUBSCRIBE", sends::add, TIMEOUT, connection.async()::unsubscribe,
                ChannelBatches::nothingMore);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void subscribed(byte[] redisChannel, long count) {
                String channel = ChannelKeys.channelOf(redisChannel);
                if (!lost.contains(channel)) {
                    batches.confirmed(channel);
                }
            }

            @Override
            public void unsubscribed(byte[] redisChannel, long count) {
                String channel = ChannelKeys.channelOf(redisChannel);
                if (!lost.contains(channel)) {
                    unsubscribes.confirmed(channel);
                }
            }
        });
    }

    @AfterEach
    void disconnect() {
        connection.close();
        client.shutdown();
    }

    /** Every channel's stream is new: what matters here is whether and when states are read. */
    private CompletionStage<List<StreamState>> states(List<String> channels) {
        stateReads.incrementAndGet();
        batchSizes.add(channels.size());
        return CompletableFuture.completedFuture(channels.stream().map(any -> new StreamState("epoch", 0)).toList());
    }

    private List<CompletableFuture<StreamState>> subscribeTogether(String... channels) {
        return together(batches, channels);
    }

    /** Adds the channels while the sender is busy, then lets it run: they go in one command. */
    private <T> List<CompletableFuture<T>> together(ChannelBatches<T> kind, String... channels) {
        List<CompletableFuture<T>> results = Stream.of(channels).map(channel -> kind.add(channel).toCompletableFuture()).toList();
        for (Runnable send; (send = sends.poll()) != null; ) {
            send.run();
        }
        return results;
    }

    @Test
    void aBatchWhollyConfirmedReadsItsStatesOnce() {
        List<CompletableFuture<StreamState>> results = subscribeTogether("one", "two", "three");
        await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
        assertThat(results).allSatisfy(result -> assertThat(result).isCompletedWithValue(new StreamState("epoch", 0)));
        assertThat(stateReads).hasValue(1);
    }

    @Test
    void aConfirmationThatNeverComesFailsTheWholeBatchAsATimeoutAndForgetsItsChannels() {
        lost.add("missing");
        List<CompletableFuture<StreamState>> results = subscribeTogether("here", "missing", "also.here");
        await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
        assertThat(results).allSatisfy(result -> assertThat(result)
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause().isInstanceOf(RedisCommandTimeoutException.class));
        assertThat(stateReads).as("no state read for a batch Redis did not wholly confirm").hasValue(0);
        assertThat(batches.confirmed("missing"))
                .as("a confirmation after the batch failed is not taken for ours (it is Lettuce resubscribing)").isFalse();
    }

    @Test
    void aSubscribeRedisRefusesFailsTheWholeBatchWithItsOwnReason() {
        connection.close();
        List<CompletableFuture<StreamState>> results = subscribeTogether("first", "second");
        await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
        assertThat(results).allSatisfy(result -> assertThat(result)
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause().isNotInstanceOf(RedisCommandTimeoutException.class));
        assertThat(batches.confirmed("first")).isFalse();
        assertThat(stateReads).hasValue(0);
    }

    @Test
    void channelsLeftTogetherAreOneUnsubscribeConfirmedChannelByChannel() {
        List<CompletableFuture<StreamState>> subscribed = subscribeTogether("a", "b", "c");
        await().atMost(WAIT).until(() -> subscribed.stream().allMatch(CompletableFuture::isDone));
        try (var plain = client.connect()) {
            long before = RedisInfo.calls(plain.sync().info("commandstats"), "unsubscribe");
            List<CompletableFuture<Void>> left = together(unsubscribes, "a", "b", "c");
            await().atMost(WAIT).until(() -> left.stream().allMatch(CompletableFuture::isDone));
            assertThat(left).allSatisfy(result -> assertThat(result).isCompleted().isNotCompletedExceptionally());
            assertThat(RedisInfo.calls(plain.sync().info("commandstats"), "unsubscribe") - before).as("UNSUBSCRIBE commands").isEqualTo(1);
            String[] names = Stream.of("a", "b", "c").map(channel -> new String(ChannelKeys.of(channel).pubsub(), UTF_8))
                    .toArray(String[]::new);
            assertThat(plain.sync().pubsubNumsub(names).values()).as("subscribers Redis counts on each channel").containsOnly(0L);
        }
    }

    /**
     * Lettuce completed the command at its first confirmation, so it will not fail it when the
     * connection breaks: the broker says so, and the batch must not hold its places for a
     * whole timeout (this one's is far longer than the wait).
     */
    @Test
    void aBatchStillWaitingWhenItsConnectionBreaksFailsAtOnceWithThatCause() {
        batches = new ChannelBatches<>("SUBSCRIBE", sends::add, Duration.ofMinutes(5), connection.async()::subscribe, this::states);
        lost.add("never.confirmed");
        List<CompletableFuture<StreamState>> results = subscribeTogether("confirmed", "never.confirmed");
        try (var plain = client.connect()) {
            await().atMost(WAIT).until(() -> plain.sync()
                    .pubsubNumsub(new String(ChannelKeys.of("never.confirmed").pubsub(), UTF_8)).containsValue(1L));
        }
        assertThat(results).noneMatch(CompletableFuture::isDone);
        batches.connectionLost(new RedisConnectionException("gone"));
        assertThat(results).allSatisfy(result -> assertThat(result)
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause().isInstanceOf(RedisConnectionException.class));
        assertThat(stateReads).hasValue(0);
    }

    @Test
    void anUnsubscribeConfirmationThatNeverComesFailsTheWholeBatchAsATimeout() {
        List<CompletableFuture<StreamState>> subscribed = subscribeTogether("stays.a", "gone", "stays.b");
        await().atMost(WAIT).until(() -> subscribed.stream().allMatch(CompletableFuture::isDone));
        lost.add("gone");
        List<CompletableFuture<Void>> left = together(unsubscribes, "stays.a", "gone", "stays.b");
        await().atMost(WAIT).until(() -> left.stream().allMatch(CompletableFuture::isDone));
        assertThat(left).allSatisfy(result -> assertThat(result)
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause().isInstanceOf(RedisCommandTimeoutException.class)
                .withMessageContaining("UNSUBSCRIBE"));
        assertThat(unsubscribes.confirmed("gone")).isFalse();
    }

    /** One command names at most 128 channels: the 129th asked for at the same time goes in a batch of its own. */
    @Test
    void channelsBeyondOneCommandsWorthGoInTheNextBatch() {
        String[] channels = IntStream.range(0, 129).mapToObj(i -> "many." + i).toArray(String[]::new);
        List<CompletableFuture<StreamState>> results = subscribeTogether(channels);
        await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
        assertThat(results).allSatisfy(result -> assertThat(result).isCompletedWithValue(new StreamState("epoch", 0)));
        assertThat(batchSizes).containsExactlyInAnyOrder(128, 1);
    }

    /**
     * The sender is asked to run for a channel asked for alone, and again for one asked for after
     * it ran; and a confirmation of a channel we asked for is ours (the broker replays the latest
     * publication of any other, taking it for Lettuce's own resubscribing).
     */
    @Test
    void aChannelAskedForAloneIsSentAndSoIsOneAskedForAfterTheSenderRan() {
        lost.add("alone");
        CompletableFuture<StreamState> alone = subscribeTogether("alone").get(0);
        try (var plain = client.connect()) {
            await().atMost(WAIT).until(() -> plain.sync()
                    .pubsubNumsub(new String(ChannelKeys.of("alone").pubsub(), UTF_8)).containsValue(1L));
        }
        assertThat(batches.confirmed("alone")).isTrue();
        await().atMost(WAIT).until(alone::isDone);
        assertThat(alone).isCompletedWithValue(new StreamState("epoch", 0));
        CompletableFuture<StreamState> later = subscribeTogether("later").get(0);
        await().atMost(WAIT).until(later::isDone);
        assertThat(later).isCompletedWithValue(new StreamState("epoch", 0));
        assertThat(batchSizes).containsExactly(1, 1);
    }
}
