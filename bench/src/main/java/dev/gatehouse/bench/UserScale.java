package dev.gatehouse.bench;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.testing.EmbeddedPostgres;
import dev.gatehouse.ratelimit.RateLimitPolicy;
import dev.gatehouse.ratelimit.RateLimitSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Login and register latency over HTTP with 1,000,000 users in the database against 1,000 users
 * (the baseline), measured in the same run, on SQLite and on PostgreSQL (issue #6).
 *
 * <p>For each hashing setting and each database kind: two fresh databases, migrated by the server's
 * own {@link Database} and then seeded directly with SQL (SQLite: batched inserts in large
 * transactions; PostgreSQL: {@code COPY}, then {@code VACUUM (ANALYZE)}), every user confirmed and
 * sharing one Argon2id hash of a known password made with the parameters the server runs with. A
 * {@link Gatehouse} is started on each, both at once; after a warm-up, the measured requests run in
 * rounds that alternate between the two servers (1k then 1M, then 1M then 1k, ...), so that a noisy
 * moment of the machine hits both alike:
 *
 * <ul>
 *   <li><b>login</b>: an existing user picked at random across the whole table, right password, 200;</li>
 *   <li><b>register</b>: a new unique address (spread through the key space like the seeded ones), 201;</li>
 *   <li><b>lookup</b>: login's first query alone, {@code UserStore.findByEmail} through a {@link Database}
 *       of the benchmark's own on the same database, no HTTP: the part of a login that could grow with
 *       the number of users, without the rest that hides it.</li>
 * </ul>
 *
 * Argon2id with the default (OWASP) parameters takes tens of milliseconds per request and would hide
 * the database; the run is therefore repeated with the cheapest parameters the server accepts, which
 * leaves HTTP, JSON, JWT signing and SQL. Reported: p50, p99 and the ratio 1M / 1k of each.
 *
 * <p>Options: {@code --users 1000000}, {@code --baseline-users 1000}, {@code --requests 3000} and
 * {@code --warmup 500} (per flow and database, cheap hashing), {@code --default-requests 400} and
 * {@code --default-warmup 30} (the same with the default hashing), {@code --rounds 20},
 * {@code --concurrency 1}, {@code --db sqlite,postgresql}, {@code --hashing cheap,default},
 * {@code --plans true}.
 */
public final class UserScale {
    static final String APP = "gatehouse-local";
    static final String PASSWORD = "scale-bench-password";
    /** The smallest Argon2id parameters {@link HashParameters#problems()} accepts: 8 KiB, one pass, one lane. */
    static final HashParameters CHEAP = new HashParameters(8, 1, 1);
    /** As {@code UserStore} selects them. */
    private static final String SELECT_COLUMNS = "id, app_id, email, password_hash, identity_id, confirmed, disabled, created_at";
    private static final String SEED_COLUMNS = SELECT_COLUMNS + ", confirmed_at";
    /** Seeded users were created one every 30 s from here on, so their ObjectIds grow with their number, as real ones do. */
    private static final long SEED_EPOCH_SECOND = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    enum Kind {
        SQLITE, POSTGRESQL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Flow {
        LOGIN, REGISTER,
        /** The login's {@code SELECT} by (app_id, email) alone, through the server's own Database and UserStore. */
        LOOKUP;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Hashing(String name, HashParameters parameters, int requests, int warmup) {
        String label() {
            return String.format(Locale.ROOT, "%s (Argon2id m=%d KiB, t=%d, p=%d)", name, parameters.memoryKib(),
                    parameters.iterations(), parameters.parallelism());
        }
    }

    record Options(int users, int baselineUsers, int rounds, int concurrency, List<Kind> databases,
                   List<Hashing> hashings, boolean plans) {}

    /** One seeded database: how long each step took and what it holds. */
    record Seeding(Hashing hashing, Kind kind, int users, long migrateNanos, long insertNanos, long finishNanos,
                   String finish, long bytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-10s %9s users: migrate %5.2f s, insert %6.2f s (%,9.0f rows/s), %s %5.2f s; "
                            + "total %6.2f s; %,7.1f MB on disk",
                    kind.label(), count(users), migrateNanos / 1e9, insertNanos / 1e9, users / (insertNanos / 1e9), finish,
                    finishNanos / 1e9, (migrateNanos + insertNanos + finishNanos) / 1e9, bytes / 1e6);
        }
    }

    /** Latencies of one flow on one database kind, both sizes, and the per-round ratios of medians. */
    record Row(Hashing hashing, Kind kind, Flow flow, long[] small, long[] large, double[] roundRatios,
               double smallPerSecond, double largePerSecond) {
        double p(long[] v, double q) {
            return FunctionCost.percentile(v, q) / 1e6;
        }
    }

    private final Options options;
    private final Path work;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService pool;
    private EmbeddedPostgres postgres;
    private int targets;

    private UserScale(Options options, Path work) {
        this.options = options;
        this.work = work;
        this.pool = options.concurrency() > 1 ? Executors.newFixedThreadPool(options.concurrency()) : null;
    }

    public static void main(String[] args) throws Exception {
        // Each server warns at start that it has no SMTP server (emails go to its dev mailbox): expected here.
        System.setProperty("org.slf4j.simpleLogger.log.dev.gatehouse.Gatehouse", "error");
        int users = 1_000_000;
        int baselineUsers = 1_000;
        int requests = 3000;
        int warmup = 500;
        int defaultRequests = 400;
        int defaultWarmup = 30;
        int rounds = 20;
        int concurrency = 1;
        List<String> databases = List.of("sqlite", "postgresql");
        List<String> hashings = List.of("cheap", "default");
        boolean plans = true;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--users" -> users = Integer.parseInt(value);
                case "--baseline-users" -> baselineUsers = Integer.parseInt(value);
                case "--requests" -> requests = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--default-requests" -> defaultRequests = Integer.parseInt(value);
                case "--default-warmup" -> defaultWarmup = Integer.parseInt(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--db" -> databases = List.of(value.split(","));
                case "--hashing" -> hashings = List.of(value.split(","));
                case "--plans" -> plans = Boolean.parseBoolean(value);
                default -> {
                    System.err.println("usage: run-scale [--users 1000000] [--baseline-users 1000] [--requests 3000] "
                            + "[--warmup 500] [--default-requests 400] [--default-warmup 30] [--rounds 20] "
                            + "[--concurrency 1] [--db sqlite,postgresql] [--hashing cheap,default] [--plans true]");
                    System.exit(2);
                }
            }
            i++;
        }
        List<Kind> kinds = databases.stream().map(d -> Kind.valueOf(d.trim().toUpperCase(Locale.ROOT))).toList();
        List<Hashing> hashingList = new ArrayList<>();
        for (String h : hashings) {
            switch (h.trim()) {
                case "cheap" -> hashingList.add(new Hashing("cheap", CHEAP, requests, warmup));
                case "default" -> hashingList.add(new Hashing("default", HashParameters.OWASP, defaultRequests, defaultWarmup));
                default -> throw new IllegalArgumentException("--hashing takes cheap and/or default, got " + h);
            }
        }
        for (Hashing h : hashingList) {
            if (!h.parameters().problems().isEmpty()) {
                throw new IllegalStateException("the server would refuse " + h.label() + ": " + h.parameters().problems());
            }
            if (h.requests() < rounds) {
                throw new IllegalArgumentException("requests must be at least --rounds (" + rounds + ")");
            }
        }
        if (users < 1 || baselineUsers < 1 || rounds < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--users, --baseline-users, --rounds and --concurrency must be positive");
        }
        Options options = new Options(users, baselineUsers, rounds, concurrency, kinds, hashingList, plans);
        Path work = Files.createTempDirectory("gatehouse-scale");
        try {
            new UserScale(options, work).run();
        } finally {
            deleteTree(work);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "Users at scale: %s users against %s, rounds %d, %d client(s) per server; %d CPU(s), %s %s, %s%n",
                count(options.users()), count(options.baselineUsers()), options.rounds(), options.concurrency(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        for (Hashing h : options.hashings()) {
            System.out.printf(Locale.ROOT, "  hashing %s: %d measured requests per flow and database, %d warm-up%n",
                    h.label(), h.requests(), h.warmup());
        }
        System.out.println("  sqlite: the server's settings (WAL, synchronous=FULL), a file in " + work);
        List<Row> rows = new ArrayList<>();
        List<Seeding> seedings = new ArrayList<>();
        try {
            if (options.databases().contains(Kind.POSTGRESQL)) {
                postgres = EmbeddedPostgres.start();
                System.out.println("  postgresql: " + postgresDescription());
            }
            for (Hashing hashing : options.hashings()) {
                for (Kind kind : options.databases()) {
                    runCase(hashing, kind, rows, seedings);
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        printSummary(rows, seedings);
        System.out.printf(Locale.ROOT, "%ntotal run time %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private void runCase(Hashing hashing, Kind kind, List<Row> rows, List<Seeding> seedings) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s, hashing %s ==%n", kind.label(), hashing.label());
        String hash = new PasswordHasher(hashing.parameters(), random).hash(PASSWORD);
        try (Target small = new Target(kind, options.baselineUsers());
             Target large = new Target(kind, options.users())) {
            for (Target t : List.of(small, large)) {
                Seeding s = t.seed(hashing, hash);
                seedings.add(s);
                System.out.println("  seeded " + s);
            }
            try (Gatehouse a = start(small, hashing); Gatehouse b = start(large, hashing);
                 Client ca = new Client(a, small); Client cb = new Client(b, large)) {
                Client[] clients = {ca, cb};
                long warm = System.nanoTime();
                for (Client c : clients) {
                    batch(hashing.warmup(), c::login);
                    batch(hashing.warmup(), c::register);
                    batch(hashing.warmup(), c::lookup);
                }
                System.out.printf(Locale.ROOT, "  warm-up: %d logins, registrations and lookups on each, %.1f s%n",
                        hashing.warmup(), (System.nanoTime() - warm) / 1e9);
                long measured = System.nanoTime();
                long[][][] samples = new long[Flow.values().length][2][];
                long[][] wall = new long[Flow.values().length][2];
                double[][] roundRatios = new double[Flow.values().length][options.rounds()];
                for (int r = 0; r < options.rounds(); r++) {
                    int n = hashing.requests() / options.rounds() + (r < hashing.requests() % options.rounds() ? 1 : 0);
                    int[] order = r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
                    for (Flow flow : Flow.values()) {
                        long[][] round = new long[2][];
                        for (int s : order) {
                            Client c = clients[s];
                            long t0 = System.nanoTime();
                            round[s] = batch(n, switch (flow) {
                                case LOGIN -> c::login;
                                case REGISTER -> c::register;
                                case LOOKUP -> c::lookup;
                            });
                            wall[flow.ordinal()][s] += System.nanoTime() - t0;
                            samples[flow.ordinal()][s] = concat(samples[flow.ordinal()][s], round[s]);
                        }
                        roundRatios[flow.ordinal()][r] = FunctionCost.percentile(round[1], 0.5)
                                / FunctionCost.percentile(round[0], 0.5);
                    }
                }
                for (Flow flow : Flow.values()) {
                    int f = flow.ordinal();
                    Row row = new Row(hashing, kind, flow, samples[f][0], samples[f][1], roundRatios[f],
                            samples[f][0].length / (wall[f][0] / 1e9), samples[f][1].length / (wall[f][1] / 1e9));
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "  %-8s %s p50 %7.3f ms, p99 %7.3f ms | %s p50 %7.3f ms, p99 %7.3f ms "
                                    + "| ratio p50 %.2f, p99 %.2f%n", flow.label(), count(small.users), row.p(row.small(), 0.5),
                            row.p(row.small(), 0.99), count(large.users), row.p(row.large(), 0.5), row.p(row.large(), 0.99),
                            row.p(row.large(), 0.5) / row.p(row.small(), 0.5), row.p(row.large(), 0.99) / row.p(row.small(), 0.99));
                }
                System.out.printf(Locale.ROOT, "  measured in %.1f s%n", (System.nanoTime() - measured) / 1e9);
            }
            if (options.plans()) {
                small.printPlans();
                large.printPlans();
            }
        }
    }

    private Gatehouse start(Target t, Hashing hashing) {
        ServerConfig config = ServerConfig.defaults(t.dataDir).withPort(0).withHashing(hashing.parameters())
                .withRateLimits(RateLimitSettings.defaults().withPolicy(RateLimitPolicy.OFF));  // one client IP, by design
        if (t.settings != null) {
            config = config.withDatabase(t.settings);
        }
        return Gatehouse.start(config, Clock.systemUTC(), random);
    }

    // ---------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Request {
        /** Sends one request, checks the answer, returns its latency in nanoseconds. */
        long send() throws Exception;
    }

    /** N requests, one after another or from {@code --concurrency} client threads; the latencies. */
    private long[] batch(int n, Request request) throws Exception {
        long[] latencies = new long[n];
        if (pool == null) {
            for (int i = 0; i < n; i++) {
                latencies[i] = request.send();
            }
            return latencies;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < options.concurrency(); c++) {
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    latencies[i] = request.send();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        return latencies;
    }

    /**
     * An HTTP client of one server, whose database holds {@code users} seeded users; and, for the
     * lookups, a connection pool of its own on the same database, with the server's SQL.
     */
    static final class Client implements AutoCloseable {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI login;
        private final URI register;
        private final int users;
        /** New addresses continue the seeded numbering, so that they never collide and spread alike. */
        private final AtomicLong nextNew;
        private final Database database;
        private final UserStore store = new UserStore();

        Client(Gatehouse server, Target target) {
            String base = "http://127.0.0.1:" + server.port() + "/api/client/v2.0/app/" + APP + "/auth/providers/local-userpass/";
            this.login = URI.create(base + "login");
            this.register = URI.create(base + "register");
            this.users = target.users;
            this.nextNew = new AtomicLong(users);
            this.database = Database.open(target.settings != null ? target.settings : DatabaseSettings.embedded(), target.dataDir);
        }

        /** What login asks the database first, without HTTP, hashing or the session write. */
        long lookup() {
            String email = email(ThreadLocalRandom.current().nextInt(users));
            long t0 = System.nanoTime();
            boolean found = database.withHandle(h -> store.findByEmail(h, APP, email)).isPresent();
            long nanos = System.nanoTime() - t0;
            if (!found) {
                throw new IllegalStateException("no user " + email);
            }
            return nanos;
        }

        @Override
        public void close() {
            database.close();
        }

        long login() throws IOException, InterruptedException {
            String email = email(ThreadLocalRandom.current().nextInt(users));
            Timed t = post(login, "{\"username\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
            if (t.response().statusCode() != 200 || !t.response().body().contains("\"access_token\"")) {
                throw new IllegalStateException("login of " + email + " answered " + t.response().statusCode() + ": "
                        + t.response().body());
            }
            return t.nanos();
        }

        long register() throws IOException, InterruptedException {
            String email = email(nextNew.getAndIncrement());
            Timed t = post(register, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
            if (t.response().statusCode() != 201) {
                throw new IllegalStateException("register of " + email + " answered " + t.response().statusCode() + ": "
                        + t.response().body());
            }
            return t.nanos();
        }

        /** One POST, timed from just before the send to the whole answer read. */
        private Timed post(URI uri, String json) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Timed(response, System.nanoTime() - t0);
        }

        private record Timed(HttpResponse<String> response, long nanos) {}
    }

    // ---------------------------------------------------------------------------------------------

    /** A fresh database of one kind: SQLite in its own directory, or a database on the embedded PostgreSQL. */
    final class Target implements AutoCloseable {
        final Kind kind;
        final int users;
        final Path dataDir;
        /** Null for SQLite. */
        final DatabaseSettings settings;
        final String pgName;

        Target(Kind kind, int users) throws IOException {
            this.kind = kind;
            this.users = users;
            this.dataDir = work.resolve(kind.label() + "-" + users + "-" + ++targets);
            Files.createDirectories(dataDir);
            if (kind == Kind.POSTGRESQL) {
                DatabaseSettings created = postgres.newDatabase();
                // The server's default pool size (--database-pool-size).
                this.settings = DatabaseSettings.postgres(created.url(), created.user(), created.password(), 10);
                this.pgName = created.url().substring(created.url().lastIndexOf('/') + 1);
            } else {
                this.settings = null;
                this.pgName = null;
            }
        }

        Connection connect() throws SQLException {
            return kind == Kind.POSTGRESQL ? postgres.connect(pgName)
                    : DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
        }

        /** Migrates with the server's own code, then inserts the users straight into {@code users}. */
        Seeding seed(Hashing hashing, String hash) throws Exception {
            long t0 = System.nanoTime();
            Database.open(settings != null ? settings : DatabaseSettings.embedded(), dataDir).close();
            long t1 = System.nanoTime();
            String finish;
            long t2;
            try (Connection c = connect(); Statement s = c.createStatement()) {
                if (kind == Kind.SQLITE) {
                    insertSqlite(c, s, hash);
                    t2 = System.nanoTime();
                    // Leave the file as a server would find it: everything in the main file, an empty WAL.
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    finish = "WAL checkpoint";
                } else {
                    copyPostgres(c, hash);
                    t2 = System.nanoTime();
                    // Statistics (ANALYZE), and the vacuum autovacuum would soon run on a freshly loaded
                    // table anyway (it also sets hint bits, which first reads would otherwise write).
                    s.execute("VACUUM (ANALYZE) users");
                    s.execute("CHECKPOINT");
                    finish = "VACUUM (ANALYZE), CHECKPOINT";
                }
            }
            long t3 = System.nanoTime();
            return new Seeding(hashing, kind, users, t1 - t0, t2 - t1, t3 - t2, finish, sizeBytes());
        }

        private void insertSqlite(Connection c, Statement s, String hash) throws SQLException {
            // The seeding connection only: the server's own connections keep synchronous=FULL.
            s.execute("PRAGMA synchronous = OFF");
            s.execute("PRAGMA cache_size = -262144");  // 256 MiB, so that the random email index stays in memory
            c.setAutoCommit(false);
            SplittableRandom rnd = new SplittableRandom(users);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO users (" + SEED_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?)")) {
                for (int i = 0; i < users; i++) {
                    long second = SEED_EPOCH_SECOND + 30L * i;
                    insert.setString(1, objectId(second, rnd));
                    insert.setString(2, APP);
                    insert.setString(3, email(i));
                    insert.setString(4, hash);
                    insert.setString(5, objectId(second, rnd));
                    insert.setLong(6, second * 1000);
                    insert.setLong(7, second * 1000);
                    insert.addBatch();
                    if ((i + 1) % 10_000 == 0) {
                        insert.executeBatch();
                    }
                    if ((i + 1) % 250_000 == 0) {
                        c.commit();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        }

        private void copyPostgres(Connection c, String hash) throws SQLException {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY users (" + SEED_COLUMNS + ") FROM STDIN");
            try {
                SplittableRandom rnd = new SplittableRandom(users);
                StringBuilder text = new StringBuilder(1 << 21);
                for (int i = 0; i < users; i++) {
                    long second = SEED_EPOCH_SECOND + 30L * i;
                    text.append(objectId(second, rnd)).append('\t').append(APP).append('\t').append(email(i)).append('\t')
                            .append(hash).append('\t').append(objectId(second, rnd)).append("\t1\t0\t")
                            .append(second * 1000).append('\t').append(second * 1000).append('\n');
                    if (text.length() > 1 << 20) {
                        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(bytes, 0, bytes.length);
                        text.setLength(0);
                    }
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                long rows = copy.endCopy();
                if (rows != users) {
                    throw new IllegalStateException("COPY wrote " + rows + " rows, not " + users);
                }
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        }

        long sizeBytes() throws SQLException, IOException {
            if (kind == Kind.POSTGRESQL) {
                try (Connection c = connect(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
            long bytes = 0;
            try (Stream<Path> files = Files.list(dataDir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("gatehouse.db")).toList()) {
                    bytes += Files.size(f);
                }
            }
            return bytes;
        }

        /** How the database answers the queries of login and register, with a user from the middle of the table. */
        void printPlans() throws SQLException {
            String email = email(users / 2);
            try (Connection c = connect(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "  query plans, %s seeded users (%s; %,d rows now, with the registrations):%n",
                            count(users), kind.label(), rs.getLong(1));
                }
                String id;
                try (ResultSet rs = s.executeQuery("SELECT id FROM users WHERE app_id = '" + APP + "' AND email = '" + email + "'")) {
                    rs.next();
                    id = rs.getString(1);
                }
                List<String> queries = List.of(
                        "SELECT " + SELECT_COLUMNS + " FROM users WHERE app_id = '" + APP + "' AND email = '" + email + "'",
                        "UPDATE users SET last_login_at = 0 WHERE id = '" + id + "'",
                        "SELECT " + SELECT_COLUMNS + " FROM users WHERE id = '" + id + "'");
                printDepths(s);
                for (String q : queries) {
                    System.out.println("    " + q.replace(SELECT_COLUMNS, "..."));
                    if (kind == Kind.SQLITE) {
                        try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + q)) {
                            while (rs.next()) {
                                System.out.println("      " + rs.getString("detail"));
                            }
                        }
                    } else {
                        // ANALYZE runs the statement: the update inside a transaction that is rolled back.
                        c.setAutoCommit(false);
                        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) " + q)) {
                            while (rs.next()) {
                                System.out.println("      " + rs.getString(1));
                            }
                        } finally {
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                    }
                }
            }
        }

        /**
         * The B-tree levels of {@code users} and its indexes: lookups descend one page per level
         * (SQLite: {@code dbstat}; PostgreSQL: {@code pgstatindex}, contrib's pgstattuple).
         */
        private void printDepths(Statement s) {
            StringBuilder line = new StringBuilder("    B-tree levels (root to leaf):");
            try {
                if (kind == Kind.SQLITE) {
                    try (ResultSet rs = s.executeQuery("SELECT name, MAX(LENGTH(path) - LENGTH(REPLACE(path, '/', ''))), "
                            + "COUNT(*) FROM dbstat WHERE name IN ('users', 'sqlite_autoindex_users_1', "
                            + "'sqlite_autoindex_users_2') GROUP BY name ORDER BY name")) {
                        while (rs.next()) {
                            line.append(String.format(Locale.ROOT, " %s %d (%,d pages)", rs.getString(1), rs.getInt(2), rs.getLong(3)));
                        }
                    }
                    line.append(" [sqlite_autoindex_users_1 = id, _2 = users_app_email (app_id, email)]");
                } else {
                    s.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple");
                    try (ResultSet rs = s.executeQuery("SELECT i, (pgstatindex(i)).tree_level + 1, (pgstatindex(i)).leaf_pages "
                            + "FROM unnest(ARRAY['users_pkey', 'users_app_email']) AS i")) {
                        while (rs.next()) {
                            line.append(String.format(Locale.ROOT, " %s %d (%,d leaf pages)", rs.getString(1), rs.getInt(2),
                                    rs.getLong(3)));
                        }
                    }
                }
            } catch (SQLException e) {
                line.append(" unavailable (").append(e.getMessage()).append(')');
            }
            System.out.println(line);
        }

        @Override
        public void close() throws SQLException, IOException {
            if (kind == Kind.POSTGRESQL) {
                try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE " + pgName + " WITH (FORCE)");
                }
            }
            deleteTree(dataDir);
        }
    }

    private String postgresDescription() throws SQLException {
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            StringBuilder b = new StringBuilder("embedded PostgreSQL (EmbeddedPostgres, server test-jar)");
            for (String setting : List.of("server_version", "shared_buffers", "fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    b.append(", ").append(setting).append("=").append(rs.getString(1));
                }
            }
            return b.append(" (not durable: see bench/README.md)").toString();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private void printSummary(List<Row> rows, List<Seeding> seedings) {
        System.out.printf(Locale.ROOT, "%nSeeding (direct SQL; the server's schema, migrated by the server):%n");
        for (Seeding s : seedings) {
            System.out.printf(Locale.ROOT, "  %-8s %s%n", s.hashing().name(), s);
        }
        String small = count(options.baselineUsers());
        String large = count(options.users());
        System.out.printf(Locale.ROOT, "%nLatency in ms, %s users against %s; r = ratio %s / %s (1.00: no change with the number of users)%n",
                large, small, large, small);
        boolean throughput = options.concurrency() > 1;
        System.out.printf(Locale.ROOT, "%-8s %-10s %-8s %6s %8s %8s %8s %8s %6s %6s  %-22s%s%n", "hashing", "database", "flow", "n",
                small + " p50", small + " p99", large + " p50", large + " p99", "r p50", "r p99", "round p50 ratios min/med/max",
                throughput ? "   req/s " + small + " / " + large : "");
        for (Row r : rows) {
            double[] rr = r.roundRatios().clone();
            Arrays.sort(rr);
            System.out.printf(Locale.ROOT, "%-8s %-10s %-8s %6d %8.3f %8.3f %8.3f %8.3f %6.2f %6.2f  %.2f / %.2f / %.2f%s%n",
                    r.hashing().name(), r.kind().label(), r.flow().label(), r.small().length,
                    r.p(r.small(), 0.5), r.p(r.small(), 0.99), r.p(r.large(), 0.5), r.p(r.large(), 0.99),
                    r.p(r.large(), 0.5) / r.p(r.small(), 0.5), r.p(r.large(), 0.99) / r.p(r.small(), 0.99),
                    rr[0], rr[rr.length / 2], rr[rr.length - 1],
                    throughput ? String.format(Locale.ROOT, "   %.0f / %.0f", r.smallPerSecond(), r.largePerSecond()) : "");
        }
        for (Hashing h : options.hashings()) {
            System.out.println("  " + h.name() + ": " + h.label());
        }
        System.out.println("  login, register: over HTTP, whole request; lookup: the login's SELECT alone (server's Database + "
                + "UserStore, no HTTP); round p50 ratios: the ratio of medians within each of the " + options.rounds() + " rounds");
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * The address of user {@code i}: {@code u<8 hex digits>.<i>@example.com}, the hex digits a hash
     * of i, so that consecutive users land all over the email index as real addresses do.
     */
    static String email(long i) {
        int h = mix(i);
        char[] hex = new char[8];
        for (int k = 7; k >= 0; k--) {
            hex[k] = HEX[h & 15];
            h >>>= 4;
        }
        return "u" + new String(hex) + "." + i + "@example.com";
    }

    /** SplitMix64's finaliser, folded to 32 bits. */
    private static int mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }

    /** An ObjectId as the server makes them: 4 bytes of seconds, 8 random bytes, 24 lowercase hex. */
    private static String objectId(long epochSecond, SplittableRandom rnd) {
        byte[] bytes = new byte[12];
        int s = (int) epochSecond;
        bytes[0] = (byte) (s >>> 24);
        bytes[1] = (byte) (s >>> 16);
        bytes[2] = (byte) (s >>> 8);
        bytes[3] = (byte) s;
        long r = rnd.nextLong();
        for (int k = 0; k < 8; k++) {
            bytes[4 + k] = (byte) (r >>> (8 * k));
        }
        return HexFormat.of().formatHex(bytes);
    }

    private static long[] concat(long[] a, long[] b) {
        if (a == null) {
            return b;
        }
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** 1000 as 1k, 1000000 as 1M, else the number with separators. */
    static String count(int n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return n / 1_000 + "k";
        }
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
