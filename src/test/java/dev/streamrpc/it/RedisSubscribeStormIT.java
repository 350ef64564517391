package dev.streamrpc.it;

import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a restart every client subscribes again at once: thousands of new channels, each a
 * Redis SUBSCRIBE and a read of its stream's state. All of them are confirmed, however many
 * arrive together: the broker's timeout measures Redis, not this server's own backlog (before,
 * every command was handed to Lettuce at once, and most timed out behind the others while
 * Redis answered each in microseconds).
 */
class RedisSubscribeStormIT {

    private static final int CONNECTIONS = 200;
    private static final int CHANNELS_EACH = 100;

    @Test
    void aStormOfNewChannelsIsConfirmedInFull() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("storm-pw");
             ServerProcess server = new ServerProcess(Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri(),
                     "STREAM_BROKER_TIMEOUT", "PT2S", "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000"))) {
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < CONNECTIONS; c++) {
                    clients.add(WsClient.connect(server.uri()));
                }
                List<List<String>> requests = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < CHANNELS_EACH; i++) {
                        ids.add(clients.get(c).request("subscribe", "{\"channel\":\"storm-" + c + "-" + i + "\"}"));
                    }
                    requests.add(ids);
                }
                List<String> refused = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    for (String id : requests.get(c)) {
                        JsonObject reply = clients.get(c).replyTo(id);
                        if (!reply.containsKey("response")) {
                            refused.add(reply.toString());
                        }
                    }
                }
                assertThat(refused.size()).as("subscribes refused of %d, the first: %s", CONNECTIONS * CHANNELS_EACH,
                        refused.isEmpty() ? "none" : refused.get(0)).isZero();
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }
}
