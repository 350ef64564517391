package dev.streamrpc.discovery;

import dev.streamrpc.api.RpcException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.validator.HibernateValidator;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The channels the application declared with {@code @StreamChannel}, and, with
 * {@code stream.channels.validate=true}, the check that refuses a client's publication that
 * does not fit them. Undeclared channels are never checked.
 */
@ApplicationScoped
public class ChannelCatalog {

    /** The field error of an event a declared channel does not carry. */
    public static final String UNDECLARED_EVENT = "Undeclared event";

    @Inject
    ChannelExtension extension;

    @Inject
    Jsonb jsonb;

    @Inject
    @ConfigProperty(name = "stream.channels.validate", defaultValue = "false")
    boolean validate;

    private List<ChannelDeclaration> declarations;
    private ValidatorFactory validators;   // only while validating
    private PublicationCheck check;        // null when not validating

    @PostConstruct
    void init() {
        declarations = extension.declarations();
        if (validate) {
            // English messages whatever the locale, as for RPC payloads: they are part of the wire contract.
            validators = Validation.byProvider(HibernateValidator.class).configure()
                    .defaultLocale(Locale.ENGLISH).buildValidatorFactory();
            check = new PublicationCheck(declarations, jsonb, validators.getValidator());
        }
    }

    @PreDestroy
    void close() {
        if (validators != null) {
            validators.close();
        }
    }

    /**
     * Refuses a publication that does not fit its channel's declaration, when validation is on.
     *
     * @param event the event name, or null for none
     * @throws RpcException {@code Invalid RPC parameters} with {@code event} or {@code data...}
     *         field errors
     */
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
