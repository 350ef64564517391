package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
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
 *
 * <p>A non-blocking method runs on the caller's thread, in arrival order, and its reply
 * takes a place reserved in the connection's outbound order before the call: even when the
 * method answers later with a {@code CompletionStage} (as {@code subscribe} does while the
 * broker confirms), its reply reaches the client before anything delivered afterwards. (A
 * method that subscribes the connection moves that place to where the subscription takes
 * effect, through the connection: see {@code ConnectionChannels#subscribe}.)
 */
@ApplicationScoped
public class Dispatcher {

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
        // StreamRPC ships Yasson; its parser entry point lets the envelope reader check for trailing text.
        YassonJsonb yasson = (YassonJsonb) jsonb;
        envelopes = new EnvelopeReader(yasson);
        binder = new PayloadBinder(yasson);
        replies = new ReplyWriter(jsonb);
    }

    /** Handles one text frame from {@code caller}; never throws. */
    public void dispatch(Caller caller, String frame) {
        Request request;
        try {
            request = envelopes.read(frame);
        } catch (RequestRefused refused) {
            caller.send(replies.error(refused.id(), refused.method(), refused.error()));
            return;
        }
        // Replies need only the id and the method: once the payload is bound, a call waiting for the
        // broker (a new channel in a reconnect storm) should not hold the request's tree.
        JsonValue id = request.id();
        String method = request.method();
        if (!caller.admit()) {
            reply(caller::send, id, method, new RpcException(ErrorTexts.TOO_MANY_REQUESTS));
            return;
        }
        RpcTarget target = registry.find(method);
        if (target == null) {
            reply(caller::send, id, method, RpcException.invalidParameter("method", method + ErrorTexts.METHOD_NOT_AVAILABLE));
            return;
        }
        Object[] arguments;
        try {
            arguments = arguments(target.descriptor(), request, caller);
        } catch (RpcException e) {
            reply(caller::send, id, method, e);
            return;
        }
        if (target.descriptor().blocking()) {
            try {
                workers.execute(() -> invoke(target, arguments, id, method, caller::send));
            } catch (RejectedExecutionException e) {
                LOG.warn("RPC worker pool is full; refusing {}", method);
                reply(caller::send, id, method, new RpcException(ErrorTexts.INTERNAL_ERROR));
            }
        } else {
            invoke(target, arguments, id, method, caller.reserve()::fill);
        }
    }

    private Object[] arguments(MethodDescriptor method, Request request, Caller caller) {
        Object[] arguments = new Object[method.parameterCount()];
        if (method.payloadIndex() >= 0) {
            arguments[method.payloadIndex()] = binder.bind(request.payload(), method.payloadType());
        }
        if (method.contextIndex() >= 0) {
            arguments[method.contextIndex()] = caller.context();
        }
        return arguments;
    }

    private void invoke(RpcTarget target, Object[] arguments, JsonValue id, String method, Consumer<String> out) {
        Object result;
        try {
            result = target.invoke(arguments);
        } catch (Throwable failure) {
            reply(out, id, method, failure);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> {
                if (failure == null) {
                    out.accept(replies.response(id, method, value));
                } else {
                    reply(out, id, method, failure);
                }
            });
        } else {
            out.accept(replies.response(id, method, result));
        }
    }

    private void reply(Consumer<String> out, JsonValue id, String method, Throwable failure) {
        Throwable cause = unwrap(failure);
        RpcException error;
        if (cause instanceof RpcException rpc) {
            error = rpc;
        } else {
            // The error-mapping interceptor handles method failures; this is the last guard.
            LOG.error("RPC method {} failed", method, cause);
            error = new RpcException(ErrorTexts.INTERNAL_ERROR);
        }
        out.accept(replies.error(id, method, error));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
