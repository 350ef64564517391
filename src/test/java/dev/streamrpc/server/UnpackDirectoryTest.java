package dev.streamrpc.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules for what is removed; ServerJarSmokeIT has the lock held by a running server's process. */
class UnpackDirectoryTest {

    @TempDir
    Path base;

    @Test
    void directoriesWhoseOwnerFileNobodyHoldsAreRemovedAndNothingElse() throws Exception {
        Path killed = left("streamrpc-killed", "owner");
        Path creating = left("streamrpc-creating", "owner.new");   // unlocked for a moment in a server that starts
        Path withoutOwner = Files.createDirectory(base.resolve("streamrpc-starting"));
        Path otherName = left("other-killed", "owner");
        Path pointedTo = left("pointed-to", "owner");
        Path link = Files.createSymbolicLink(base.resolve("streamrpc-link"), pointedTo);
        Path victim = Files.writeString(Files.createDirectory(base.resolve("victim")).resolve("keep"), "keep");
        Path linking = left("streamrpc-linking", "owner");
        Files.createSymbolicLink(linking.resolve("jetty/escape"), victim.getParent());
        Path held = left("streamrpc-held", "owner");

        try (FileChannel holder = FileChannel.open(held.resolve("owner"), StandardOpenOption.WRITE)) {
            holder.lock();
            UnpackDirectory created = UnpackDirectory.create(base);
            assertThat(killed).doesNotExist();
            assertThat(linking).doesNotExist();
            assertThat(victim).hasContent("keep");
            assertThat(held).isDirectory();
            assertThat(withoutOwner).isDirectory();
            assertThat(creating.resolve("owner.new")).exists();
            assertThat(otherName).isDirectory();
            assertThat(link).isSymbolicLink();
            assertThat(pointedTo.resolve("owner")).exists();

            assertThat(created.path().getParent()).isEqualTo(base);
            assertThat(created.path().getFileName().toString()).startsWith("streamrpc-");
            assertThat(created.path().resolve("owner")).isRegularFile();
            assertThat(created.path().resolve("owner.new")).doesNotExist();
            assertThat(created.forJetty().getParent()).isEqualTo(created.path());
            Files.createDirectories(created.forJetty().resolve("webapp"));
            Path createdPath = created.path();
            created.close();
            assertThat(createdPath).doesNotExist();
        }
    }

    /** A directory as a killed server leaves it: its owner file, unlocked, and what Jetty unpacked. */
    private Path left(String name, String ownerFile) throws Exception {
        Path directory = Files.createDirectory(base.resolve(name));
        Files.writeString(Files.createDirectories(directory.resolve("jetty/webapp/WEB-INF")).resolve("jetty-web.xml"), "<Configure/>");
        Files.writeString(directory.resolve(ownerFile), "pid 1\n");
        return directory;
    }
}
