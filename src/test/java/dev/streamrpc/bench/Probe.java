package dev.streamrpc.bench;

import java.util.Map;

/** Quick calibration: one fanout and one rpc run against StreamRPC and the floor. */
public final class Probe {
    public static void main(String[] args) throws Exception {
        int s = Integer.parseInt(args[0]);
        int m = Integer.parseInt(args[1]);
        try (Load load = new Load();
             Servers.Running a = Servers.streamrpc("streamrpc", Map.of("STREAM_RATE_LIMIT", "1e9", "STREAM_RATE_BURST", "1e9"));
             Servers.Running b = Servers.floor()) {
            for (Servers.Running server : new Servers.Running[] {a, b, a, b}) {
                System.out.println(load.fanout(server.name(), server.uri(), server.uri(), server.pid(), s, m, 64, 0));
                System.out.println(load.rpc(server.name(), server.uri(), 50, 5));
            }
        }
    }
}
