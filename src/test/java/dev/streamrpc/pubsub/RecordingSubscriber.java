package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;

import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that keeps what it is given, for hub tests. */
class RecordingSubscriber implements Subscriber {

    final List<EncodedMessage> received = new CopyOnWriteArrayList<>();
    /** How many messages each hand-over carried. */
    final List<Integer> handOvers = new CopyOnWriteArrayList<>();
    /** How many messages it had been handed each time a subscription took effect (its reply's place). */
    final List<Integer> repliesAfter = new CopyOnWriteArrayList<>();
    volatile CloseStatus closedWith;
    private final String id;

    RecordingSubscriber(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.empty();
    }

    @Override
    public void deliver(List<EncodedMessage> messages) {
        received.addAll(messages);
        handOvers.add(messages.size());
    }

    @Override
    public Runnable replyHere() {
        return () -> repliesAfter.add(received.size());
    }

    @Override
    public CompletionStage<Void> close(CloseStatus status) {
        closedWith = status;
        return CompletableFuture.completedFuture(null);
    }

    List<String> texts() {
        return received.stream().map(EncodedMessage::text).toList();
    }
}
