package dev.streamrpc.transport;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import org.jboss.weld.environment.jetty.WeldDecorator;

import java.util.EventListener;

/**
 * On Jetty, lets Weld inject into servlets, filters and listeners, and into nothing else that
 * Jetty creates.
 *
 * <p>Weld publishes a decorator (under {@value #WELD_DECORATOR}) that Jetty would apply to every
 * object the web app's factory creates, Jetty's WebSocket decoders and encoders included, several
 * for each connection. Weld's cache of injection targets holds them weakly, and with Weld 5.1.6 a
 * lookup just after a collection cleared one finds null: the connection opening at that moment
 * failed with 1011 (a NullPointerException in {@code AbstractInjector.inject}), more often the
 * more often the heap is collected. So {@code jetty-web.xml} installs the decorator this listener
 * publishes under {@value #DECORATOR} instead of Weld's: the same injection, for the kinds of
 * objects Weld documents it for (WELD-ENV-001212), created a handful of times at start-up.
 *
 * <p>Other containers never publish Weld's attribute, and this listener is only registered by
 * {@code jetty-web.xml}.
 */
public final class ServletComponentInjection implements ServletContextAttributeListener {

    /** Where Weld publishes its decorator for Jetty. */
    static final String WELD_DECORATOR = "org.eclipse.jetty.cdi.decorator";

    /** Where this listener publishes the narrowed one, for Jetty's {@code DecoratingListener}. */
    public static final String DECORATOR = "dev.streamrpc.cdi.decorator";

    @Override
    public void attributeAdded(ServletContextAttributeEvent event) {
        republish(event);
    }

    @Override
    public void attributeReplaced(ServletContextAttributeEvent event) {
        republish(event);
    }

    @Override
    public void attributeRemoved(ServletContextAttributeEvent event) {
        if (WELD_DECORATOR.equals(event.getName())) {
            event.getServletContext().removeAttribute(DECORATOR);
        }
    }

    private static void republish(ServletContextAttributeEvent event) {
        ServletContext context = event.getServletContext();
        if (WELD_DECORATOR.equals(event.getName()) && context.getAttribute(WELD_DECORATOR) instanceof WeldDecorator weld) {
            context.setAttribute(DECORATOR, new Decorator(weld));
        }
    }

    /** Weld's decorator for servlets, filters and listeners; Jetty finds its two methods by name. */
    public static final class Decorator {
        private final WeldDecorator weld;

        Decorator(WeldDecorator weld) {
            this.weld = weld;
        }

        public <T> T decorate(T created) {
            return injectable(created) ? weld.decorate(created) : created;
        }

        public void destroy(Object destroyed) {
            if (injectable(destroyed)) {
                weld.destroy(destroyed);
            }
        }

        private static boolean injectable(Object object) {
            return object instanceof Servlet || object instanceof Filter || object instanceof EventListener;
        }
    }
}
