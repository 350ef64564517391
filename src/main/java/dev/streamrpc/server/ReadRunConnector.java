package dev.streamrpc.server;

import dev.streamrpc.broker.WriteBehindThread;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;

/**
 * Jetty's connector, telling its threads ({@link JettyThreads}) where the frames of one network
 * read begin and end. A client's burst (a reconnect storm's ten subscribes) arrives in one read;
 * Jetty parses it frame by frame and calls the endpoint for each on the reading thread, and each
 * reply was its own socket write: a sixth of a fresh server's storm (bench/NOTES.md). Nothing in
 * Jetty's or Jakarta's API says when a read's frames are done, so the endpoint marks it: a read that
 * brings bytes opens a read run on its thread ({@link WriteBehindThread#openRead}), and the thread's
 * next read, its selecting, or the end of its job closes it; the replies kept meanwhile then go
 * out in one write. Each of those is where the thread stops working for the connection it read.
 */
final class ReadRunConnector extends ServerConnector {

    ReadRunConnector(Server server) {
        super(server);
    }

    /** As Jetty's own (its scheduler, the connector's idle timeout), with reads that mark runs. */
    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new ReadRunEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            protected ManagedSelector newSelector(int id) {
                return new RunEndingSelector(this, id);
            }
        };
    }

    private static final class ReadRunEndPoint extends SocketChannelEndPoint {

        ReadRunEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            // What the last read's frames produced goes out before the next read.
            JettyThreads.endRun();
            int filled = super.fill(buffer);
            if (filled > 0 && Thread.currentThread() instanceof WriteBehindThread thread) {
                thread.openRead();
            }
            return filled;
        }
    }

    /** A selecting thread may wait there for long: it holds nothing meanwhile. */
    private static final class RunEndingSelector extends ManagedSelector {

        RunEndingSelector(SelectorManager manager, int id) {
            super(manager, id);
        }

        @Override
        protected int nioSelect(Selector selector, boolean now) throws IOException {
            JettyThreads.endRun();
            return super.nioSelect(selector, now);
        }
    }
}
