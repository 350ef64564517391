package dev.streamrpc.client;

import jakarta.json.bind.Jsonb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A client's settings, as checked by {@link StreamClient.Builder}. {@code executor} and
 * {@code jsonb} are null when the client makes (and later closes) its own.
 */
record Settings(
        URI uri,
        Duration timeout,
        Duration connectTimeout,
        Duration minReconnectDelay,
        Duration maxReconnectDelay,
        Duration pingInterval,
        int queueLimit,
        int inboundLimit,
        int maxMessageLength,
        Map<String, String> headers,
        List<String> subprotocols,
        Executor executor,
        Jsonb jsonb) {
}
