package dev.streamrpc.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A handler for tests: keeps every message it is given, and what lost listeners said, in order. */
final class Inbox implements Consumer<Message> {

    final List<Message> messages = new CopyOnWriteArrayList<>();
    /** Event names and {@code lost: reason} entries, in the order the callbacks ran. */
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Message message) {
        messages.add(message);
        log.add(message.event());
    }

    /** A lost listener that writes into the log. */
    Consumer<String> lost() {
        return reason -> log.add("lost: " + reason);
    }

    /** Waits until the log is exactly this. */
    void awaitLog(String... expected) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(log).containsExactly(expected));
    }

    /** Waits until the last entry is {@code last}; returns the log. */
    List<String> awaitLast(String last) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !log.isEmpty() && log.get(log.size() - 1).equals(last));
        return List.copyOf(log);
    }
}
