package dev.streamrpc.server;

import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;

/**
 * Where the embedded server unpacks its WAR (about 20 MB), and the removal of what servers that
 * were killed left there.
 *
 * <p>Jetty unpacks into a new directory of its own under {@code java.io.tmpdir} and removes it
 * when it stops; a server killed with SIGKILL, by the OOM killer or after a container's grace
 * period leaves it behind, and the next start makes another (the test suite and the benchmark,
 * which kill servers, had left 254 of them, 5 GB, on one machine). So each server unpacks into
 * a private {@code streamrpc-*} directory and holds a lock on its {@code owner} file for as long
 * as it runs; the operating system releases the lock when the process ends, however it ends.
 * At start, a server removes every such directory of its user whose lock it can take. A lock
 * rather than a pid and start time: pids repeat across containers sharing a volume (each
 * server is pid 1) and a process's start time, as the JDK computes it, moves when the clock
 * is stepped, either of which would remove a running server's files.
 *
 * <p>The owner file is locked under another name and renamed, so a server starting beside
 * this one finds either no owner file (and leaves the directory) or a locked one. The file under
 * the other name is never taken as a sign of anything: between its creation and its lock it is
 * unlocked in a server that runs (a server removing directories on the strength of it made
 * another one, starting at the same moment, fail). A server killed in those microseconds leaves
 * an empty directory behind, which stays. A directory
 * removed while its owner file still exists loses that file last, so a server killed while
 * removing one leaves it removable. Links are removed, never followed ({@link IO#delete(Path)}).
 * One per process: the locks are the process's, and closing any channel to a file it has
 * locked would release its lock (so the search skips this process's own directory).
 */
final class UnpackDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UnpackDirectory.class);
    private static final String PREFIX = "streamrpc-";
    private static final String OWNER_FILE = "owner";
    private static final String CREATING = OWNER_FILE + ".new";
    private static final String JETTY = "jetty";

    private final Path path;
    private final FileChannel owner;   // open, and locked, for as long as the server runs

    private UnpackDirectory(Path path, FileChannel owner) {
        this.path = path;
        this.owner = owner;
    }

    /** Makes this process's directory under {@code base}, then removes what killed servers of the same user left there. */
    static UnpackDirectory create(Path base) throws IOException {
        Path path = Files.createTempDirectory(base, PREFIX);
        Path creating = path.resolve(CREATING);
        FileChannel owner = FileChannel.open(creating, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            owner.lock();
        } catch (IOException noLocks) {   // a file system without locks: nobody can take one there, so nothing is removed
            LOG.warn("Cannot lock {}: directories that killed servers leave in {} will not be removed", creating, base, noLocks);
        }
        owner.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        Files.move(creating, path.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
        UnpackDirectory created = new UnpackDirectory(path, owner);
        try {
            removeAbandoned(base, Files.getOwner(path), path);
        } catch (IOException | RuntimeException e) {   // only tidying: the server starts all the same
            LOG.warn("Could not look for directories left by killed servers in {}", base, e);
        }
        return created;
    }

    Path path() {
        return path;
    }

    /** Jetty's temporary directory, inside this one (Jetty unpacks into its {@code webapp}). */
    Path forJetty() {
        return path.resolve(JETTY);
    }

    /** Removes the directory; the server has stopped using it. */
    @Override
    public void close() throws IOException {
        remove(path);
        owner.close();
    }

    /** Removes the {@code streamrpc-*} directories under {@code base} but {@code own}, owned by {@code user}, whose owner file nobody holds. */
    private static void removeAbandoned(Path base, UserPrincipal user, Path own) throws IOException {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path directory : directories) {
                if (!directory.equals(own) && Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                        && user.equals(Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS))) {
                    removeIfAbandoned(directory);
                }
            }
        }
    }

    private static void removeIfAbandoned(Path directory) {
        try (FileChannel owner = FileChannel.open(directory.resolve(OWNER_FILE), StandardOpenOption.WRITE); FileLock lock = owner.tryLock()) {
            if (lock == null) {
                return;   // its server runs
            }
            // Removed while the lock is held, so that a server starting meanwhile leaves it to this one.
            if (remove(directory)) {
                LOG.info("Removed {}, left by a server that no longer runs", directory);
            } else {
                LOG.warn("Could not remove all of {}, left by a server that no longer runs", directory);
            }
        } catch (OverlappingFileLockException ours) {
            // held by this process: only in a test, where one JVM stands for two servers
        } catch (IOException noOwnerFile) {
            // a server creating it (see the class comment), or another removing it
        }
    }

    /** Removes the directory, its owner file last. */
    private static boolean remove(Path directory) {
        IO.delete(directory.resolve(JETTY));
        return IO.delete(directory);
    }
}
