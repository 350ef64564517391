package dev.streamrpc.pubsub;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.Map;

/**
 * The response of {@code server_info}: open connections on this server, and for each channel
 * with local subscribers, its patterns and how many connections hold each.
 */
@JsonbPropertyOrder({"connections", "channels"})
public record ServerInfo(int connections, Map<String, Map<String, Integer>> channels) {
}
