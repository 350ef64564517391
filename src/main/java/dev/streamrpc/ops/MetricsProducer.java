package dev.streamrpc.ops;

import dev.streamrpc.api.Recovery;
import dev.streamrpc.pubsub.PubSubStats;
import dev.streamrpc.pubsub.SocketsManager;
import dev.streamrpc.transport.Transport;
import dev.streamrpc.transport.TransportStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The Prometheus meter registry, and the server's own meters. The hub and the transport count
 * in plain adders on their hot paths; the meters here only read them when scraped.
 * No meter has a channel name as a label, so the number of series stays bounded. Gauges hold
 * their sources strongly: by default Micrometer holds them weakly, and a CDI client proxy
 * passed here could be collected, leaving NaN.
 */
@ApplicationScoped
public class MetricsProducer {

    /** A recovery's results: recovered, or the reason it could not be (a bounded set of labels). */
    private static final List<String> RECOVERY_RESULTS = List.of("recovered", Recovery.EPOCH, Recovery.TRIMMED, Recovery.LIMIT, Recovery.OFF);

    @Produces
    @Singleton
    PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    void close(@Disposes PrometheusMeterRegistry registry) {
        registry.close();
    }

    /** Registers the server's meters at start-up. */
    void bind(@Observes Startup startup, PrometheusMeterRegistry registry, SocketsManager sockets, Transport transport) {
        bind(registry, sockets, transport.stats());
    }

    static void bind(MeterRegistry registry, SocketsManager sockets, TransportStats transport) {
        PubSubStats hub = sockets.stats();
        Gauge.builder("streamrpc.connections", sockets, SocketsManager::connections)
                .description("Open WebSocket connections").strongReference(true).register(registry);
        Gauge.builder("streamrpc.channels", hub, PubSubStats::channels)
                .description("Channels with subscribers on this server").strongReference(true).register(registry);
        Gauge.builder("streamrpc.subscriptions", hub, PubSubStats::subscriptions)
                .description("Event patterns held by connections on this server").strongReference(true).register(registry);
        // Function counters hold their source weakly: these two live as long as their beans.
        FunctionCounter.builder("streamrpc.messages.published", hub, PubSubStats::published)
                .description("Publications accepted on this server").register(registry);
        FunctionCounter.builder("streamrpc.messages.delivered", hub, PubSubStats::delivered)
                .description("Messages handed to connections (one per connection per publication)").register(registry);
        FunctionCounter.builder("streamrpc.messages.dropped", transport, TransportStats::dropped)
                .description("Messages dropped with the outbox of a slow consumer").register(registry);
        FunctionCounter.builder("streamrpc.slow.consumer.closes", transport, TransportStats::slowConsumerCloses)
                .description("Connections closed with 1008 slow consumer").register(registry);
        FunctionCounter.builder("streamrpc.ping.timeout.closes", transport, TransportStats::pingTimeouts)
                .description("Connections closed with 1001 ping timeout: their peer answered no ping").register(registry);
        for (int status : TransportStats.REFUSAL_STATUSES) {
            FunctionCounter.builder("streamrpc.handshakes.refused", transport, stats -> stats.refusedHandshakes(status))
                    .description("WebSocket handshakes refused, by HTTP status").tag("status", Integer.toString(status)).register(registry);
        }
        FunctionCounter.builder("streamrpc.broker.reconnects", hub, PubSubStats::brokerReconnects)
                .description("Times the broker reconnected").register(registry);
        FunctionCounter.builder("streamrpc.broker.resubscriptions", hub, PubSubStats::brokerResubscriptions)
                .description("Channel subscriptions the broker made again by itself (failover, moved slot, reconnect)").register(registry);
        FunctionCounter.builder("streamrpc.broker.topology.changes", hub, PubSubStats::brokerTopologyChanges)
                .description("Redis Cluster topology changes the broker noticed").register(registry);
        FunctionCounter.builder("streamrpc.broker.inbound.dropped", hub, PubSubStats::brokerDropped)
                .description("Inbound publications dropped because the server could not keep up").register(registry);
        Gauge.builder("streamrpc.pending.bytes", hub, PubSubStats::pendingBytes).baseUnit("bytes")
                .description("Bytes of publications awaiting the broker or fan-out").strongReference(true).register(registry);
        if (hub.heldPublications() >= 0) {
            Gauge.builder("streamrpc.history.publications", hub, PubSubStats::heldPublications)
                    .description("Publications held in the channels' history").strongReference(true).register(registry);
        }
        FunctionCounter.builder("streamrpc.history.gaps.filled", hub, PubSubStats::gapsFilled)
                .description("Publications read from the history to fill a skip in a channel's feed").register(registry);
        FunctionCounter.builder("streamrpc.history.gaps.announced", hub, PubSubStats::gapsAnnounced)
                .description("Gaps and epoch changes announced to positioned subscribers").register(registry);
        for (String result : RECOVERY_RESULTS) {
            FunctionCounter.builder("streamrpc.history.recoveries", hub, stats -> stats.recoveries().getOrDefault(result, 0L))
                    .description("Subscribes with since, by result").tag("result", result).register(registry);
        }
    }
}
