package dev.streamrpc.discovery;

import dev.streamrpc.rpc.MethodDescriptor;

import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a client needs to know of one RPC method: its name, the payload it takes (null for
 * none), what it answers, and the errors it may give. Both documents are written from these.
 *
 * @param result the Java result type; a {@code CompletionStage<T>} stands for {@code T}
 */
record MethodContract(String name, String summary, Type payload, Type result, List<ProtocolErrors.Row> errors) {

    /** A built-in method's wire contract, which its loosely bound Java types do not show. */
    private record BuiltIn(String summary, Type payload, Type result) {
    }

    private static final Map<String, BuiltIn> BUILT_INS = Map.of(
            "subscribe", new BuiltIn("Subscribes this connection to the events of a channel that match a pattern",
                    Wire.Subscribe.class, Wire.Subscribed.class),
            "unsubscribe", new BuiltIn("Removes one event pattern of this connection",
                    Wire.Unsubscribe.class, Wire.Subscribed.class),
            "publish", new BuiltIn("Publishes data on a channel, to every connection whose patterns match the event",
                    Wire.Publish.class, Wire.Published.class));

    private static final Set<String> OWN_PACKAGES = Set.of("dev.streamrpc.pubsub", "dev.streamrpc.discovery", "dev.streamrpc.demo");

    private static final Map<String, String> SUMMARIES = Map.of(
            "server_info", "Connections and channels with subscribers on this server",
            "rpc.discover", "This document: every method of this server, as OpenRPC 1.3.2",
            "echo", "Answers with its payload (demo application)");

    /** The contracts of the registered methods, by name. */
    static List<MethodContract> of(List<MethodDescriptor> methods) {
        return methods.stream().map(MethodContract::of).sorted(Comparator.comparing(MethodContract::name)).toList();
    }

    private static MethodContract of(MethodDescriptor method) {
        // Only StreamRPC's own methods get the built-ins' texts, whatever an application names its own.
        boolean ours = OWN_PACKAGES.contains(method.method().getDeclaringClass().getPackageName());
        List<ProtocolErrors.Row> errors = Stream.concat(ProtocolErrors.EVERY_METHOD.stream(),
                ours ? ProtocolErrors.BUILT_INS.getOrDefault(method.name(), List.of()).stream() : Stream.empty()).toList();
        BuiltIn builtIn = ours ? BUILT_INS.get(method.name()) : null;
        if (builtIn != null) {
            return new MethodContract(method.name(), builtIn.summary(), builtIn.payload(), builtIn.result(), errors);
        }
        return new MethodContract(method.name(), ours ? SUMMARIES.get(method.name()) : null, method.payloadType(),
                method.method().getGenericReturnType(), errors);
    }

    /** Every Java type whose schema the documents need. */
    Stream<Type> types() {
        return payload == null ? Stream.of(result) : Stream.of(payload, result);
    }
}
