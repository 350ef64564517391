package dev.streamrpc.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UnpackDirectoryTest {

    @TempDir
    Path base;

    @Test
    void aNewDirectoryNamesThisProcessAndOnlyDirectoriesOfProcessesThatEndedAreRemoved() throws Exception {
        Process ended = new ProcessBuilder("sleep", "60").start();
        String endedOwner = UnpackDirectory.owner(ended.toHandle());
        ended.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        ProcessHandle self = ProcessHandle.current();

        Path killed = left("streamrpc-killed", endedOwner);
        Path running = left("streamrpc-running", UnpackDirectory.owner(self));
        // A restarted container's server has the pid of the one before it: the start time tells them apart.
        Path samePidEarlier = left("streamrpc-same-pid", self.pid() + " " + Instant.EPOCH);
        Path starting = Files.createDirectory(base.resolve("streamrpc-starting"));   // its owner file is not written yet
        Path foreign = left("streamrpc-foreign", "not a pid");
        Path other = left("other-killed", endedOwner);

        Path created = UnpackDirectory.create(base);

        assertThat(killed).doesNotExist();
        assertThat(samePidEarlier).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(starting).isDirectory();
        assertThat(foreign).isDirectory();
        assertThat(other).isDirectory();
        assertThat(created.getParent()).isEqualTo(base);
        assertThat(created.getFileName().toString()).startsWith("streamrpc-");
        assertThat(created.resolve("owner")).hasContent(UnpackDirectory.owner(self));
    }

    /** A directory as a server leaves it: its owner file and something unpacked. */
    private Path left(String name, String owner) throws Exception {
        Path directory = Files.createDirectories(base.resolve(name).resolve("jetty/webapp/WEB-INF")).getParent().getParent().getParent();
        Files.writeString(directory.resolve("jetty/webapp/WEB-INF/web.xml"), "<web-app/>");
        Files.writeString(directory.resolve("owner"), owner);
        return directory;
    }
}
