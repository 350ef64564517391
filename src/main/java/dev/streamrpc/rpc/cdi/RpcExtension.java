package dev.streamrpc.rpc.cdi;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.rpc.MethodDescriptor;
import dev.streamrpc.rpc.MethodTableBuilder;
import dev.streamrpc.rpc.RpcCandidate;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.Interceptor;
import jakarta.enterprise.inject.spi.ProcessManagedBean;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the {@code @RpcMethod} methods of every managed bean at deployment and reports bad
 * declarations as definition errors, which fail the deployment. The rules live in
 * {@link MethodTableBuilder}; this class only gathers and reports.
 */
public class RpcExtension implements Extension {

    private final List<RpcCandidate> candidates = new ArrayList<>();
    private final List<String> annotatedClasses = new ArrayList<>();
    private List<MethodDescriptor> methods = List.of();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        if (event.getBean() instanceof Interceptor) {
            return; // an interceptor annotated @RpcMethod is bound to RPC methods, not one itself
        }
        if (event.getAnnotatedBeanClass().isAnnotationPresent(RpcMethod.class)) {
            // On a class, the interceptor binding would put StreamRPC's interceptors around every
            // method, none of which becomes an RPC method: the annotation marks methods only.
            annotatedClasses.add("Bean class " + event.getBean().getBeanClass().getName()
                    + " is annotated @RpcMethod; annotate its RPC methods instead");
        }
        for (AnnotatedMethod<? super T> method : event.getAnnotatedBeanClass().getMethods()) {
            if (method.isAnnotationPresent(RpcMethod.class)) {
                candidates.add(new RpcCandidate(event.getBean(), event.getBean().getBeanClass(), method.getJavaMember(),
                        event.getBean().getScope()));
            }
        }
    }

    void check(@Observes AfterBeanDiscovery event) {
        MethodTableBuilder.Result result = new MethodTableBuilder().build(candidates);
        result.problems().forEach(problem -> event.addDefinitionError(new DefinitionException(problem)));
        annotatedClasses.forEach(problem -> event.addDefinitionError(new DefinitionException(problem)));
        methods = result.methods();
        candidates.clear();
        annotatedClasses.clear();
    }

    List<MethodDescriptor> methods() {
        return methods;
    }
}
