import dev.streamrpc.client.Message;
import dev.streamrpc.client.StreamClient;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Run by ClientJarIT with the single-file source launcher and nothing on the class path but
 * streamrpc-client.jar and JSON-B with Yasson: proof that the client jar stands alone.
 */
public class ClientSmoke {

    public static void main(String[] args) throws Exception {
        try (StreamClient client = StreamClient.connect(URI.create(args[0]))) {
            BlockingQueue<Message> received = new LinkedBlockingQueue<>();
            client.subscribe("smoke", received::add).join();
            client.publish("smoke", "hello", Map.of("from", "jar")).join();
            Message message = received.poll(10, TimeUnit.SECONDS);
            System.out.println(client.call("echo", Map.of("ok", true)).join() + " " + message.event() + " " + message.data());
        }
    }
}
