package dev.streamrpc.rpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The immutable table of RPC methods, built once at deployment; a request does one map
 * look-up.
 */
public final class MethodRegistry {

    private final Map<String, RpcTarget> targets;

    MethodRegistry(Map<String, RpcTarget> targets) {
        this.targets = Map.copyOf(targets);
    }

    /**
     * Binds each checked method to the contextual reference of its bean, taken once per bean:
     * the methods of a {@code @Dependent} bean share its one instance.
     */
    public static MethodRegistry of(Iterable<MethodDescriptor> methods, Function<RpcCandidate, Object> references) {
        Map<String, RpcTarget> table = new HashMap<>();
        Map<Object, Object> byBean = new HashMap<>();
        for (MethodDescriptor method : methods) {
            Object reference = byBean.computeIfAbsent(method.candidate().bean(), bean -> references.apply(method.candidate()));
            table.put(method.name(), new RpcTarget(method, reference));
        }
        return new MethodRegistry(table);
    }

    RpcTarget find(String name) {
        return targets.get(name);
    }

    public Set<String> names() {
        return targets.keySet();
    }

    /** Every registered method, in no particular order. */
    public List<MethodDescriptor> descriptors() {
        return targets.values().stream().map(RpcTarget::descriptor).toList();
    }
}
