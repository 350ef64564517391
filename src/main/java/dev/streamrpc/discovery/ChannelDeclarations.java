package dev.streamrpc.discovery;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import dev.streamrpc.pubsub.EventPattern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code @StreamChannel} declarations found at deployment. A plain class, so the
 * rules are tested without a container; {@link ChannelExtension} reports the problems found
 * here as definition errors, each naming the declaring class.
 */
final class ChannelDeclarations {

    /** The declarations carried by one bean class. */
    record Source(Class<?> beanClass, List<StreamChannel> channels) {
    }

    /** The checked declarations, and one message per bad one. */
    record Result(List<ChannelDeclaration> declarations, List<String> problems) {
    }

    private ChannelDeclarations() {
    }

    static Result check(List<Source> sources) {
        List<ChannelDeclaration> declarations = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Class<?>> byName = new HashMap<>();
        for (Source source : sources) {
            for (StreamChannel channel : source.channels()) {
                String where = "@StreamChannel(name = \"" + channel.name() + "\") on " + source.beanClass().getName();
                EventPattern pattern = compile(channel.name(), where + ": the name", problems);
                Class<?> previous = byName.putIfAbsent(channel.name(), source.beanClass());
                if (previous != null) {
                    problems.add(where + ": the channel is already declared on " + previous.getName());
                }
                List<ChannelDeclaration.Event> events = events(channel, where, problems);
                if (pattern != null && previous == null && events != null) {
                    declarations.add(new ChannelDeclaration(channel.name(), pattern, channel.description(), events, source.beanClass()));
                }
            }
        }
        return new Result(List.copyOf(declarations), List.copyOf(problems));
    }

    /** The channel's events, or null when one of them is declared wrong. */
    private static List<ChannelDeclaration.Event> events(StreamChannel channel, String where, List<String> problems) {
        List<ChannelDeclaration.Event> events = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean valid = true;
        for (StreamEvent event : channel.events()) {
            String what = where + ": event \"" + event.name() + "\"";
            EventPattern pattern = compile(event.name(), what, problems);
            boolean unique = names.add(event.name());
            if (!unique) {
                problems.add(what + " is declared twice");
            }
            boolean voidData = event.data() == void.class || event.data() == Void.class;
            if (voidData) {
                problems.add(what + " has no data type: void is not JSON; use JsonValue for any data");
            }
            if (pattern == null || !unique || voidData) {
                valid = false;
                continue;
            }
            events.add(new ChannelDeclaration.Event(event.name(), pattern, event.data(), event.description()));
        }
        return valid ? List.copyOf(events) : null;
    }

    private static EventPattern compile(String pattern, String what, List<String> problems) {
        try {
            return EventPattern.compile(pattern);
        } catch (EventPattern.Malformed e) {
            problems.add(what + " is not a well-formed pattern (an unclosed or empty [, or a trailing \\)");
            return null;
        }
    }
}
