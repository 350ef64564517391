package dev.streamrpc.rpc.cdi;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.HibernateValidator;

import java.util.Locale;

/**
 * StreamRPC's own validator factory. It is not exposed as a {@code Validator} bean, which
 * would clash with the one a full Jakarta EE server provides. Messages are in English
 * whatever the server's locale, and properties have their JSON names, because both are part
 * of the wire contract.
 */
@ApplicationScoped
public class Validators {

    private ValidatorFactory factory;
    private Validator validator;

    @PostConstruct
    void open() {
        factory = Validation.byProvider(HibernateValidator.class)
                .configure()
                .defaultLocale(Locale.ENGLISH)
                .propertyNodeNameProvider(new JsonbNames())
                .buildValidatorFactory();
        validator = factory.getValidator();
    }

    /** The shared validator; English messages, because they are part of the wire contract. */
    public Validator validator() {
        return validator;
    }

    @PreDestroy
    void close() {
        factory.close();
    }
}
