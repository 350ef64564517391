package dev.streamrpc.server;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * How many network connections Jetty may accept: the process's file-descriptor limit less
 * what the server needs besides (its jars, the WAR's files, Redis, logs). Without a limit, a
 * flood of connections that never finish their handshake (stream.max-connections counts only
 * open WebSockets) ran the process out of descriptors: accepts failed in a loop and even
 * {@code /health} went unanswered. At the limit Jetty stops accepting, and the kernel's
 * listen queue holds the rest until connections end.
 */
final class FileDescriptors {

    /**
     * Descriptors kept for everything but client connections; about 120 are open at start. Below
     * 1,024 descriptors in all the limit stays 512, so such a process keeps fewer back.
     */
    static final int RESERVED = 512;

    private FileDescriptors() {
    }

    /** Empty where the JVM cannot tell the limit (not a Unix). */
    static Optional<Integer> connectionLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return Optional.of(limit(unix.getMaxFileDescriptorCount()));
        }
        return Optional.empty();
    }

    static int limit(long maxDescriptors) {
        return (int) Math.max(RESERVED, Math.min(Integer.MAX_VALUE, maxDescriptors - RESERVED));
    }
}
