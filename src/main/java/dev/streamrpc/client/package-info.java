/**
 * A Java client of a StreamRPC server, on the JDK's {@code java.net.http.WebSocket} and JSON-B:
 * {@link dev.streamrpc.client.StreamClient} makes calls, subscribes and publishes over one
 * connection that it keeps open, reconnecting and (with protocol version 2) recovering what a
 * subscription missed. Packaged alone as {@code streamrpc-client.jar}; it uses no other
 * package of StreamRPC.
 */
package dev.streamrpc.client;
