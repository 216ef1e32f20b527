package dev.gatehouse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.Gatehouse;
import dev.gatehouse.function.JavaFunctions;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.ratelimit.RateLimitPolicy;
import dev.gatehouse.ratelimit.RateLimitSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.security.SecureRandom;
import java.util.function.UnaryOperator;

/**
 * A real Gatehouse on a free port with a movable clock, and a raw HTTP client for it. Tests speak
 * JSON over {@code java.net.http} so that they catch any change on the wire.
 *
 * <p>Either start one by hand ({@link #start(Path)}, closed by the test) or register one per test
 * class: {@code @RegisterExtension static final TestServer server = TestServer.perClass();} starts
 * it on a fresh temporary database before the class's tests and stops it after them.
 *
 * <p>The database is SQLite, or with {@code -Dgatehouse.test.database=postgresql} a fresh database
 * on the JVM's {@link EmbeddedPostgres}: the build runs the flow tests both ways, so that every flow
 * behaves the same on both.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    public static final String APP = "gatehouse-local";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Map<Path, DatabaseSettings> POSTGRES_BY_DIR = new java.util.concurrent.ConcurrentHashMap<>();

    private final HttpClient http = HttpClient.newHttpClient();
    private Gatehouse server;
    private MutableClock clock;
    private Path temporaryDir;
    private Path dataDir;
    private DatabaseSettings database;

    private TestServer() {}

    /** The database the tests of this JVM run on: SQLite unless {@code gatehouse.test.database=postgresql}. */
    public static boolean onPostgres() {
        return "postgresql".equals(System.getProperty("gatehouse.test.database"));
    }

    /** The default app on a fresh database in {@code dataDir}. */
    public static TestServer start(Path dataDir) {
        return start(dataDir, c -> c);
    }

    public static TestServer start(Path dataDir, UnaryOperator<ServerConfig> customize) {
        return start(dataDir, customize, JavaFunctions.none());
    }

    /** A server whose providers may also name the given Java functions. */
    public static TestServer start(Path dataDir, UnaryOperator<ServerConfig> customize, JavaFunctions javaFunctions) {
        TestServer test = new TestServer();
        test.clock = MutableClock.startingNow();
        test.dataDir = dataDir;
        // Rate limits off: every test speaks from 127.0.0.1, and many register or fail logins by the
        // dozen; the tests of dev.gatehouse.ratelimit turn them on with the limits they check.
        ServerConfig defaults = ServerConfig.defaults(dataDir).withPort(0).withRateLimits(
                RateLimitSettings.defaults().withPolicy(RateLimitPolicy.OFF));
        if (onPostgres()) {
            // One database per data directory, so that a test restarting a server on its directory finds its data.
            defaults = defaults.withDatabase(POSTGRES_BY_DIR.computeIfAbsent(dataDir.toAbsolutePath(),
                    d -> EmbeddedPostgres.shared().newDatabase()));
        }
        ServerConfig config = customize.apply(defaults);
        test.database = config.database();
        test.server = Gatehouse.start(config, test.clock, new SecureRandom(), javaFunctions);
        return test;
    }

    /**
     * The flags that point a CLI command at the database a server started on {@code dataDir}
     * uses: the directory itself on SQLite, that directory's database on PostgreSQL.
     */
    public static java.util.List<String> databaseFlags(Path dataDir) {
        if (!onPostgres()) {
            return java.util.List.of("--data-dir", dataDir.toString());
        }
        DatabaseSettings settings = POSTGRES_BY_DIR.computeIfAbsent(dataDir.toAbsolutePath(),
                d -> EmbeddedPostgres.shared().newDatabase());
        return java.util.List.of("--database-url", settings.url(), "--database-user", settings.user());
    }

    /** A server for one test class, with the default app: register it with {@code @RegisterExtension}. */
    public static TestServer perClass() {
        return new TestServer();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        temporaryDir = Files.createTempDirectory("gatehouse-test");
        TestServer started = start(temporaryDir);
        server = started.server;
        clock = started.clock;
        dataDir = temporaryDir;
        database = started.database;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(temporaryDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The server's data directory: {@link #databaseFlags} of it point a CLI command at its database. */
    public Path dataDir() {
        return dataDir;
    }

    /** Runs one SQL update on the server's database, for states no route can reach yet. */
    public int sql(String update, Object... parameters) {
        try (var connection = connect(); var statement = prepare(connection, update, parameters)) {
            return statement.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private java.sql.Connection connect() throws java.sql.SQLException {
        if (database.url() != null) {
            return java.sql.DriverManager.getConnection(database.url(), database.user(), database.password());
        }
        return java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
    }

    private static java.sql.PreparedStatement prepare(java.sql.Connection c, String sql, Object... parameters)
            throws java.sql.SQLException {
        var statement = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    /** The rows of one SQL query on the server's database, each a list of column values. */
    public java.util.List<java.util.List<Object>> rows(String query, Object... parameters) {
        try (var connection = connect(); var statement = prepare(connection, query, parameters)) {
            var rows = new java.util.ArrayList<java.util.List<Object>>();
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    var row = new java.util.ArrayList<Object>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public MutableClock clock() {
        return clock;
    }

    public String url() {
        return server.url();
    }

    public Gatehouse server() {
        return server;
    }

    /** {@code /api/client/v2.0/app/{app}/auth/providers/local-userpass} of the given app. */
    public String userpass(String app) {
        return url() + "/api/client/v2.0/app/" + app + "/auth/providers/local-userpass";
    }

    public HttpResponse<String> post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String url, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b);
    }

    public HttpResponse<String> withBearer(String method, String url, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** The newest dev-mailbox message to {@code email} in {@code app}. */
    public JsonNode latestMail(String app, String email) {
        JsonNode messages = json(get(url() + "/dev/mailbox/" + app + "?email=" + java.net.URLEncoder.encode(email,
                java.nio.charset.StandardCharsets.UTF_8), null)).path("messages");
        if (messages.isEmpty()) {
            throw new AssertionError("no mail for " + email);
        }
        return messages.get(0);
    }

    /** Registers in the default app and confirms through the dev mailbox. */
    public void registerConfirmed(String email, String password) {
        expectStatus(post(userpass(APP) + "/register", body("email", email, "password", password)), 201);
        JsonNode mail = latestMail(APP, email);
        expectStatus(post(userpass(APP) + "/confirm", body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText())), 204);
    }

    /** Logs in to the default app; the reply's fields as JSON. */
    public JsonNode login(String email, String password) {
        HttpResponse<String> response = post(userpass(APP) + "/login", body("username", email, "password", password));
        expectStatus(response, 200);
        return json(response);
    }

    /** A JSON object from alternating names and string values, properly escaped. */
    public static String body(String... namesAndValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node.toString();
    }

    public static HttpResponse<String> expectStatus(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + " but got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    public static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
