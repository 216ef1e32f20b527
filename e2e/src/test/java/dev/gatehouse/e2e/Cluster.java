package dev.gatehouse.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.session.SigningKeys;
import dev.gatehouse.testing.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Gatehouse cluster on loopback: one real PostgreSQL, node processes that share it (reaching it
 * through a {@link DatabaseGate}, which lines up their start), and a {@link RoundRobinProxy} that is
 * every node's public URL. Each node sends its mail to a GreenMail SMTP server of its own, so that
 * the test can tell which node sent which message (a node logs no line per message sent); together
 * the mail servers hold the cluster's mail.
 */
final class Cluster implements AutoCloseable {
    static final String FROM = "noreply@gatehouse.test";
    /** Generous: three JVMs start at once on two cores, beside other builds. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final EmbeddedPostgres postgres;
    private final DatabaseSettings database;
    private final List<GreenMail> mailServers;
    private final RoundRobinProxy proxy;
    private final DatabaseGate gate;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private int connectionsHeldAtGate;
    private int keyLockWaitersAtRelease;

    private Cluster(EmbeddedPostgres postgres, DatabaseSettings database, List<GreenMail> mailServers, RoundRobinProxy proxy,
                    DatabaseGate gate) {
        this.postgres = postgres;
        this.database = database;
        this.mailServers = mailServers;
        this.proxy = proxy;
        this.gate = gate;
    }

    /**
     * Starts PostgreSQL, the mail servers and the proxy, then the nodes, on an empty database, so
     * that they race for its first migration and its first signing key (see {@link #raceToTheDatabase}),
     * and waits until each answers for {@code readinessApp}. Logs go to {@code dir/node-N.log}.
     */
    static Cluster start(Path dir, int size, List<Path> apps, List<String> extraArguments, String readinessApp)
            throws IOException, SQLException {
        Files.createDirectories(dir);
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        List<GreenMail> mailServers = new ArrayList<>();
        RoundRobinProxy proxy = null;
        DatabaseGate gate = null;
        Cluster cluster = null;
        try {
            DatabaseSettings database = postgres.newDatabase();
            for (int i = 0; i < size; i++) {
                GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
                mail.start();
                mailServers.add(mail);
            }
            proxy = RoundRobinProxy.start();
            gate = DatabaseGate.start(postgres.port());
            cluster = new Cluster(postgres, database, mailServers, proxy, gate);
            cluster.raceToTheDatabase(dir, size, apps, extraArguments);
            for (NodeProcess node : cluster.nodes) {
                node.awaitReady(readinessApp, START_TIMEOUT);
            }
            return cluster;
        } catch (RuntimeException | IOException | SQLException | Error e) {
            if (cluster != null) {
                System.out.println("Cluster start failed; node logs:\n" + cluster.logTails(80));
                cluster.close();
            } else {
                if (gate != null) {
                    gate.close();
                }
                if (proxy != null) {
                    proxy.close();
                }
                mailServers.forEach(GreenMail::stop);
                postgres.close();
            }
            throw e;
        }
    }

    /**
     * Launches the nodes and makes their start-up work on the database overlap, whatever the delays
     * between their JVMs: first every node's first connection is held at the {@link DatabaseGate}
     * until all have one there, so that their Flyway migrations begin together; then this test holds
     * the signing-key lock (the server's advisory lock {@link SigningKeys#LOCK}) until every node waits for it to create the first key, so that all of them ask
     * at once whether a key exists.
     */
    private void raceToTheDatabase(Path dir, int size, List<Path> apps, List<String> extraArguments)
            throws IOException, SQLException {
        String name = database.url().substring(database.url().lastIndexOf('/') + 1);
        // A connection waits at the gate inside the driver's login: allow it longer than the default 10 s.
        String gatedUrl = "jdbc:postgresql://127.0.0.1:" + gate.port() + "/" + name + "?loginTimeout=300";
        try (Connection keyLock = connect()) {
            keyLock.setAutoCommit(false);
            try (var statement = keyLock.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                statement.setString(1, SigningKeys.LOCK);
                statement.execute();
            }
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String node = "node-" + (i + 1);
                List<String> arguments = new ArrayList<>(List.of(
                        "--public-url", proxy.url(),
                        "--database-url", gatedUrl, "--database-user", database.user(), "--database-pool-size", "4",
                        "--app", apps.stream().map(Path::toString).collect(Collectors.joining(",")),
                        "--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(mailServers.get(i).getSmtp().getPort()),
                        "--smtp-security", "none", "--smtp-from", FROM,
                        "--mail-poll-interval", "200ms", "--signing-key-refresh", "1s",
                        // The lowest cost the server accepts: hashing is not under test, and CPUs are few.
                        "--argon2-memory-kib", "1024", "--argon2-iterations", "1",
                        // Every test's client is 127.0.0.1; the limits are tested in the server module.
                        "--rate-limits", "off"));
                arguments.addAll(extraArguments);
                nodes.add(NodeProcess.launch(node, freePort(), arguments, dir.resolve(node + ".log")));
                urls.add(nodes.get(i).url());
            }
            proxy.forwardTo(urls);
            // Each node opens one connection and waits for it before anything else (the pool's first).
            Await.until("every node's first connection at the database gate", START_TIMEOUT,
                    () -> nodesAlive() && gate.held() >= size, () -> gate.held() + " held");
            connectionsHeldAtGate = gate.held();
            gate.open();
            Await.until("every node waiting for the signing-key lock", START_TIMEOUT,
                    () -> nodesAlive() && keyLockWaiters() >= size, () -> keyLockWaiters() + " waiting");
            keyLockWaitersAtRelease = keyLockWaiters();
            keyLock.commit();
        }
    }

    /** How many connections were held at the gate, and how many nodes waited for the signing-key lock, when each was let go. */
    record StartupRace(int connectionsHeldAtGate, int keyLockWaiters) {}

    StartupRace startupRace() {
        return new StartupRace(connectionsHeldAtGate, keyLockWaitersAtRelease);
    }

    private int keyLockWaiters() {
        return (int) number("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    }

    /** True while every node runs; throws with the log of one that exited. */
    private boolean nodesAlive() {
        nodes.forEach(NodeProcess::requireAlive);
        return true;
    }

    List<NodeProcess> nodes() {
        return nodes;
    }

    /** The node numbered {@code n}, from 1. */
    NodeProcess node(int n) {
        return nodes.get(n - 1);
    }

    RoundRobinProxy proxy() {
        return proxy;
    }

    /** The database's URL, straight to PostgreSQL (not through the gate). */
    String databaseUrl() {
        return database.url();
    }

    String databaseUser() {
        return database.user();
    }

    /** One mail message as an SMTP server received it, and the node whose mail server that was (from 1). */
    record Received(int node, MimeMessage message) {}

    /** Every message the mail servers have received, server by server, in arrival order. */
    List<Received> received() {
        List<Received> all = new ArrayList<>();
        for (int i = 0; i < mailServers.size(); i++) {
            for (MimeMessage message : mailServers.get(i).getReceivedMessages()) {
                all.add(new Received(i + 1, message));
            }
        }
        return all;
    }

    /** The rows of a query on the cluster's database, each column by its label. */
    List<Map<String, Object>> rows(String query, Object... parameters) {
        try (Connection c = connect(); PreparedStatement statement = c.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                        row.put(rs.getMetaData().getColumnLabel(column), rs.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.url(), database.user(), "");
    }

    /** A query's single number, such as a count. */
    long number(String query, Object... parameters) {
        return ((Number) rows(query, parameters).get(0).values().iterator().next()).longValue();
    }

    /** The end of every node's log, to print beside a failure. */
    String logTails(int lines) {
        StringBuilder text = new StringBuilder();
        for (NodeProcess node : nodes) {
            text.append("===== ").append(node).append(", ").append(node.log()).append(" (last ").append(lines)
                    .append(" lines) =====\n").append(node.logTail(lines)).append('\n');
        }
        return text.toString();
    }

    /** Stops the nodes, then the proxy, the gate, the mail servers and PostgreSQL; each step even if an earlier one fails. */
    @Override
    public void close() {
        try {
            nodes.parallelStream().forEach(NodeProcess::close);
        } finally {
            try {
                proxy.close();
                gate.close();
            } finally {
                try {
                    mailServers.forEach(GreenMail::stop);
                } finally {
                    postgres.close();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
