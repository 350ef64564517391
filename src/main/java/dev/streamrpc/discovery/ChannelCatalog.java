package dev.streamrpc.discovery;

import dev.streamrpc.api.RpcException;
import dev.streamrpc.config.Settings;
import dev.streamrpc.pubsub.PublicationValidator;
import dev.streamrpc.rpc.cdi.Validators;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;

import java.util.List;
import java.util.Map;

/**
 * The channels the application declared with {@code @StreamChannel}, and, with
 * {@code stream.channels.validate=true}, the check that refuses a client's publication that
 * does not fit them. Undeclared channels are never checked.
 */
@ApplicationScoped
public class ChannelCatalog implements PublicationValidator {

    /** The field error of an event a declared channel does not carry. */
    public static final String UNDECLARED_EVENT = "Undeclared event";

    @Inject
    ChannelExtension extension;

    @Inject
    Jsonb jsonb;

    @Inject
    Settings settings;

    @Inject
    Validators validators;

    private List<ChannelDeclaration> declarations;
    private PublicationCheck check;        // null when not validating

    @PostConstruct
    void init() {
        declarations = extension.declarations();
        if (settings.channelsValidate()) {
            check = new PublicationCheck(declarations, jsonb, validators.validator());
        }
    }

    /**
     * Refuses a publication that does not fit its channel's declaration, when validation is on.
     *
     * @param event the event name, or null for none
     * @throws RpcException {@code Invalid RPC parameters} with {@code event} or {@code data...}
     *         field errors
     */
    @Override
    public void check(String channel, String event, JsonValue data) {
        if (check == null) {
            return;
        }
        Map<String, String> errors = check.errors(channel, event, data);
        if (!errors.isEmpty()) {
            throw RpcException.invalidParameters(errors);
        }
    }

    List<ChannelDeclaration> declarations() {
        return declarations;
    }
}
