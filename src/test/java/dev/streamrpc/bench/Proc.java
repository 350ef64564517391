package dev.streamrpc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time, RSS and heap of a process, read from /proc and jcmd. */
final class Proc {

    private Proc() {
    }

    /** utime + stime in nanoseconds (Linux clock ticks of 10 ms). */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the process is idle: under one clock tick of CPU in half a second, or 30 s
     * at most. A server that has just said it is ready may still be finishing its start in the
     * background (StreamRPC writes its discovery documents), which would blur a baseline.
     */
    static void awaitQuiet(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long before = cpuNanos(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            long after = cpuNanos(pid);
            if (after - before <= 10_000_000L) {
                return;
            }
            before = after;
        }
    }

    static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Resident set size in bytes. */
    static long rss(long pid) {
        try {
            Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Heap in use after a full GC, from {@code jcmd GC.run} and {@code GC.heap_info}: the sum
     * over the generations it lists (one for G1, young and old for the serial and parallel
     * collectors, which the JVM picks by itself on one CPU).
     */
    static long heapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        long bytes = 0;
        while (used.find()) {
            bytes += Long.parseLong(used.group(1)) * 1024;
        }
        return bytes;
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }
}
