package dev.streamrpc.discovery;

import dev.streamrpc.api.StreamChannel;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the {@code @StreamChannel} declarations of every managed bean at deployment and
 * reports bad ones as definition errors, which fail the deployment. The rules live in
 * {@link ChannelDeclarations}; this class only gathers and reports.
 */
public class ChannelExtension implements Extension {

    private final List<ChannelDeclarations.Source> sources = new ArrayList<>();
    private List<ChannelDeclaration> declarations = List.of();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        // Reflection keeps the declaration order, which CDI's annotation set does not.
        StreamChannel[] channels = event.getAnnotatedBeanClass().getJavaClass().getAnnotationsByType(StreamChannel.class);
        if (channels.length > 0) {
            sources.add(new ChannelDeclarations.Source(event.getBean().getBeanClass(), List.of(channels)));
        }
    }

    void check(@Observes AfterBeanDiscovery event) {
        ChannelDeclarations.Result result = ChannelDeclarations.check(sources);
        result.problems().forEach(problem -> event.addDefinitionError(new DefinitionException(problem)));
        declarations = result.declarations();
        sources.clear();
    }

    List<ChannelDeclaration> declarations() {
        return declarations;
    }
}
