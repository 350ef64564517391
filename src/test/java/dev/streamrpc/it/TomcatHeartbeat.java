package dev.streamrpc.it;

import java.net.URI;

/**
 * Server pings on Tomcat 10.1, where the portable Jakarta path sends them. {@code .ci/tomcat-smoke}
 * deploys a copy of the WAR with {@link HeartbeatBehaviour#SETTINGS} and runs this class; it is
 * not part of {@code mvn verify}, which has no Tomcat.
 */
class TomcatHeartbeat extends HeartbeatBehaviour {

    @Override
    URI stream() {
        return URI.create(System.getProperty("streamrpc.heartbeat.url", "ws://127.0.0.1:8080/heartbeat/stream"));
    }
}
