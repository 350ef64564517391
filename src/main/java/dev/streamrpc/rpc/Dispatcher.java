package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import org.eclipse.yasson.YassonJsonb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Turns one text frame into exactly one reply: decode the envelope, look the method up, bind
 * the payload, call the bean (through its interceptors), encode the result.
 */
@ApplicationScoped
public class Dispatcher {

    static final String INTERNAL_ERROR = "Internal server error";
    static final String TOO_MANY_REQUESTS = "Too many requests";
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    @Inject
    Jsonb jsonb;

    @Inject
    MethodRegistry registry;

    @Inject
    RpcWorkers workers;

    private EnvelopeReader envelopes;
    private PayloadBinder binder;
    private ReplyWriter replies;

    @PostConstruct
    void init() {
        // StreamRPC ships Yasson; its tree and parser entry points spare a trip through text.
        YassonJsonb yasson = (YassonJsonb) jsonb;
        envelopes = new EnvelopeReader(yasson);
        binder = new PayloadBinder(yasson);
        replies = new ReplyWriter(jsonb);
    }

    /** Handles one text frame from {@code session}; never throws. */
    public void dispatch(RpcSession session, String frame) {
        Request request;
        try {
            request = envelopes.read(frame);
        } catch (RequestRefused refused) {
            session.send(replies.error(refused.id(), refused.method(), refused.error()));
            return;
        }
        if (!session.admit()) {
            reply(session::send, request, new RpcException(TOO_MANY_REQUESTS));
            return;
        }
        RpcTarget target = registry.find(request.method());
        if (target == null) {
            reply(session::send, request, RpcException.invalidParameter("method", request.method() + " method not available"));
            return;
        }
        Object[] arguments;
        try {
            arguments = arguments(target.descriptor(), request, session);
        } catch (RpcException e) {
            reply(session::send, request, e);
            return;
        }
        if (target.descriptor().blocking()) {
            try {
                workers.execute(() -> invoke(target, arguments, request, session::send));
            } catch (RejectedExecutionException e) {
                LOG.warn("RPC worker pool is full; refusing {}", request.method());
                reply(session::send, request, new RpcException(INTERNAL_ERROR));
            }
        } else {
            RpcSession.ReplySlot slot = session.reserve();
            invoke(target, arguments, request, new SlotWriter(slot, session));
        }
    }

    private Object[] arguments(MethodDescriptor method, Request request, RpcSession session) {
        Object[] arguments = new Object[method.parameterCount()];
        if (method.payloadIndex() >= 0) {
            arguments[method.payloadIndex()] = binder.bind(request.payload(), method.payloadType());
        }
        if (method.contextIndex() >= 0) {
            arguments[method.contextIndex()] = session;
        }
        return arguments;
    }

    private void invoke(RpcTarget target, Object[] arguments, Request request, Consumer<String> out) {
        Object result;
        try {
            result = target.invoke(arguments);
        } catch (Throwable failure) {
            reply(out, request, failure);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            if (out instanceof SlotWriter slotWriter && !stage.toCompletableFuture().isDone()) {
                // Do not hold the connection's deliveries for a method still running.
                out = slotWriter.releaseSlot();
            }
            Consumer<String> later = out;
            stage.whenComplete((value, failure) -> {
                if (failure == null) {
                    later.accept(replies.response(request.id(), request.method(), value));
                } else {
                    reply(later, request, failure);
                }
            });
        } else {
            out.accept(replies.response(request.id(), request.method(), result));
        }
    }

    private void reply(Consumer<String> out, Request request, Throwable failure) {
        Throwable cause = unwrap(failure);
        RpcException error;
        if (cause instanceof RpcException rpc) {
            error = rpc;
        } else {
            // The error-mapping interceptor handles method failures; this is the last guard.
            LOG.error("RPC method {} failed", request.method(), cause);
            error = new RpcException(INTERNAL_ERROR);
        }
        out.accept(replies.error(request.id(), request.method(), error));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Writes the reply of a non-blocking method into its reserved slot. */
    private record SlotWriter(RpcSession.ReplySlot slot, RpcSession session) implements Consumer<String> {

        @Override
        public void accept(String reply) {
            slot.fill(reply);
        }

        Consumer<String> releaseSlot() {
            slot.release();
            return session::send;
        }
    }
}
