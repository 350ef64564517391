package dev.streamrpc.server;

import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the embedded server unpacks its WAR (about 20 MB), and the removal of what servers that
 * were killed left there.
 *
 * <p>Jetty unpacks into a new directory of its own under {@code java.io.tmpdir} and removes it
 * when it stops; a server killed with SIGKILL, by the OOM killer or after a container's grace
 * period leaves it behind, and the next start makes another (the test suite and the benchmark,
 * which kill servers, had left 254 of them, 5 GB, on one machine). So each server unpacks into
 * a {@code streamrpc-*} directory with a random name (created private, as Jetty's are) holding a
 * file that names its process: its pid and start time, since a restarted container's server
 * has the pid of the one before. At start, a server removes every such directory whose process
 * is gone; a directory without that file yet belongs to a server that is starting, and is left.
 * Another user's directory cannot be read (each is private), and a symbolic link inside one is
 * removed, never followed ({@link IO#delete(Path)}).
 */
final class UnpackDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(UnpackDirectory.class);
    static final String PREFIX = "streamrpc-";
    static final String OWNER_FILE = "owner";

    private UnpackDirectory() {
    }

    /** Removes what killed servers left under {@code base}, then makes this process's directory there. */
    static Path create(Path base) throws IOException {
        removeAbandoned(base, UnpackDirectory::running);
        Path directory = Files.createTempDirectory(base, PREFIX);
        // Written whole, then renamed: a server starting beside this one reads all of it or none.
        Path written = Files.writeString(directory.resolve(OWNER_FILE + ".new"), owner(ProcessHandle.current()));
        Files.move(written, directory.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
        return directory;
    }

    /** Removes the {@code streamrpc-*} directories under {@code base} whose owner, as its file names it, is not {@code running}. */
    static void removeAbandoned(Path base, Predicate<String> running) throws IOException {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path directory : directories) {
                Path ownerFile = directory.resolve(OWNER_FILE);
                if (!Files.isDirectory(directory) || !Files.isRegularFile(ownerFile)) {
                    continue;
                }
                String owner;
                try {
                    owner = Files.readString(ownerFile);
                } catch (IOException unreadable) {   // another user's, or removed meanwhile
                    continue;
                }
                if (!running.test(owner)) {
                    if (IO.delete(directory)) {
                        LOG.info("Removed {}, left by a server that no longer runs ({})", directory, owner);
                    } else {
                        LOG.warn("Could not remove {}, left by a server that no longer runs ({})", directory, owner);
                    }
                }
            }
        }
    }

    /** A process as its owner file names it: the pid and the start time. */
    static String owner(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    private static boolean running(String owner) {
        int space = owner.indexOf(' ');
        try {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(owner.substring(0, Math.max(space, 0))));
            return process.isPresent() && owner(process.get()).equals(owner);
        } catch (NumberFormatException notOurs) {
            return true;   // not a file this class wrote: leave the directory alone
        }
    }
}
