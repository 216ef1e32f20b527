package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.Main;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.Race;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import picocli.CommandLine;

/**
 * Three Gatehouse nodes, separate processes on one PostgreSQL, behave as one server (issue #6, "How
 * it is checked"): they start together on an empty database, a user moves between them from request
 * to request, a key rotated in the database reaches all of them, the realm-web suite passes with a
 * different node per call, and the outbox, which every node works on, sends each email exactly once.
 *
 * <p>The tests share one cluster and run in order: the last one checks the mail of all the others.
 * Node logs are in {@code target/multinode/node-N.log}; their ends are printed when a test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeTest {
    private static final String APP = "gatehouse-local";
    private static final String PASSWORD = "Pa55w0rd!";
    private static final Path DIR = Path.of("target", "multinode");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Cluster cluster;
    private static ClusterMailbox mailbox;
    /** The harness's own endpoints: the function recorder and the mailbox that the realm-web suite reads. */
    private static HttpServer harness;
    private static ExecutorService harnessThreads;

    @RegisterExtension
    static final TestExecutionExceptionHandler NODE_LOGS_ON_FAILURE = (context, failure) -> {
        if (cluster != null) {
            String tails = cluster.logTails(60);
            System.out.println(tails);
            failure.addSuppressed(new AssertionError("node logs:\n" + tails));
        }
        throw failure;
    };

    @BeforeAll
    static void startCluster() throws IOException, SQLException {
        deleteTree(DIR);
        // Bound first: the function app's export names the recorder's URL, and the nodes read the export at start.
        harness = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Concurrent: a mailbox read may wait for delivery while a function reports to the recorder.
        harnessThreads = Executors.newVirtualThreadPerTaskExecutor();
        harness.setExecutor(harnessThreads);
        String harnessUrl = "http://127.0.0.1:" + harness.getAddress().getPort();
        // With --app, a node serves only the exports named, so the default app comes as an export too:
        // confirmation and reset by email, as the built-in one.
        Path exports = DIR.resolve("exports");
        Path defaultApp = AppExport.of(exports, APP).provider("{\"autoConfirm\":false}").write();
        Path functionApp = FunctionApp.export(exports, harnessUrl + "/calls");
        cluster = Cluster.start(DIR, 3, List.of(defaultApp, functionApp),
                List.of("--function-http-allow", "127.0.0.1"), APP);
        mailbox = new ClusterMailbox(cluster);
        harness.createContext("/calls", new FunctionCallRecorder()::handle);
        harness.createContext("/mailbox/", mailbox::handle);
        harness.start();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (harness != null) {
                harness.stop(0);
                harnessThreads.shutdownNow();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Start-up
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void nodes_started_together_migrate_the_database_once_and_share_one_signing_key() {
        // The start was a real race (see Cluster.raceToTheDatabase): all three began migrating at once,
        // and all three waited together to create the first signing key.
        assertThat(cluster.startupRace()).isEqualTo(new Cluster.StartupRace(3, 3));
        // Flyway's advisory lock lets one node migrate while the others wait, then find the schema current.
        List<Map<String, Object>> history = cluster.rows("SELECT version, success FROM flyway_schema_history "
                + "WHERE version IS NOT NULL ORDER BY installed_rank");
        assertThat(history).as("applied migrations").isNotEmpty();
        assertThat(history).extracting(row -> row.get("version")).as("each migration applied once").doesNotHaveDuplicates();
        assertThat(history).allSatisfy(row -> assertThat(row.get("success")).isEqualTo(true));

        // The first start's key creation is serialized too: one key, whichever node made it.
        List<Map<String, Object>> keys = cluster.rows("SELECT kid, active FROM signing_keys");
        assertThat(keys).as("signing keys after three first starts").hasSize(1);
        String kid = (String) keys.get(0).get("kid");
        String email = registerConfirmed("startup", 1, 2);
        for (NodeProcess node : cluster.nodes()) {
            assertThat(kid(login(node, email, PASSWORD).path("access_token").asText()))
                    .as("key of a token from " + node).isEqualTo(kid);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. The email flows, each step on another node
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void register_confirm_login_refresh_profile_and_logout_each_on_another_node() throws Exception {
        String email = uniqueEmail("flow");
        expectStatus(post(node(1), "/register", body("email", email, "password", PASSWORD)), 201);
        JsonNode mail = latestMail(email, "confirmation");
        assertThat(mail.path("link").asText()).as("the link points at the public URL, the proxy")
                .startsWith(cluster.proxy().url() + "/");
        expectStatus(post(node(2), "/confirm", body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText())), 204);

        JsonNode session = login(node(3), email, PASSWORD);
        String userId = session.path("user_id").asText();
        String refreshToken = session.path("refresh_token").asText();

        JsonNode refreshed = json(expectStatus(call(node(1), "POST", "/auth/session", refreshToken), 201));
        String refreshedAccess = refreshed.path("access_token").asText();
        assertThat(payload(refreshedAccess).path("sub").asText()).isEqualTo(userId);

        JsonNode profile = json(expectStatus(call(node(2), "GET", "/auth/profile",
                session.path("access_token").asText()), 200));
        assertThat(profile.path("user_id").asText()).isEqualTo(userId);
        assertThat(profile.path("data").path("email").asText()).isEqualTo(email);
        expectStatus(call(node(3), "GET", "/auth/profile", refreshedAccess), 200);

        expectStatus(call(node(3), "DELETE", "/auth/session", refreshToken), 204);
        for (int n : new int[] {1, 2}) {
            expectError(call(node(n), "POST", "/auth/session", refreshToken), 401, "InvalidSession");
        }
        // The session's access tokens end with it, on every node.
        expectError(call(node(1), "GET", "/auth/profile", refreshedAccess), 401, "InvalidSession");
        expectError(call(node(2), "GET", "/auth/profile", session.path("access_token").asText()), 401, "InvalidSession");
    }

    @Test
    @Order(3)
    void a_reset_requested_on_one_node_is_finished_on_another_and_seen_by_a_third() throws Exception {
        String email = registerConfirmed("reset", 2, 3);
        JsonNode before = login(node(1), email, PASSWORD);

        expectStatus(post(node(2), "/reset/send", body("email", email)), 204);
        JsonNode mail = latestMail(email, "reset");
        String newPassword = "n3w-Passw0rd";
        expectStatus(post(node(3), "/reset", body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText(), "password", newPassword)), 204);

        expectError(post(node(1), "/login", body("username", email, "password", PASSWORD)), 401, "InvalidPassword");
        login(node(2), email, newPassword);
        // The reset ended the sessions from before it, and its token is used up, wherever they are tried.
        expectError(call(node(3), "POST", "/auth/session", before.path("refresh_token").asText()), 401, "InvalidSession");
        expectError(post(node(1), "/reset", body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText(), "password", "third-Passw0rd")), 400, "UserpassTokenInvalid");
    }

    @Test
    @Order(4)
    void a_user_deleted_on_one_node_can_log_in_on_no_other() throws Exception {
        String email = registerConfirmed("delete", 3, 1);
        JsonNode session = login(node(2), email, PASSWORD);
        expectStatus(call(node(3), "DELETE", "/auth/delete", session.path("access_token").asText()), 204);
        for (int n : new int[] {1, 2}) {
            expectError(post(node(n), "/login", body("username", email, "password", PASSWORD)), 401, "InvalidPassword");
        }
        expectError(call(node(1), "POST", "/auth/session", session.path("refresh_token").asText()), 401, "InvalidSession");
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Key rotation
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void a_key_rotated_in_the_database_signs_on_every_node_and_the_old_key_still_verifies() throws Exception {
        String email = registerConfirmed("rotation", 1, 2);
        JsonNode old = login(node(3), email, PASSWORD);
        String oldKid = kid(old.path("access_token").asText());
        List<JsonNode> sessions = new ArrayList<>();
        for (NodeProcess node : cluster.nodes()) {
            sessions.add(login(node, email, PASSWORD));
        }

        // The operator's command, run as the CLI runs it (picocli), against the cluster's database.
        int exit = new CommandLine(new Main()).execute("keys", "rotate",
                "--database-url", cluster.databaseUrl(), "--database-user", cluster.databaseUser());
        assertThat(exit).as("gatehouse keys rotate exit status").isZero();
        String newKid = (String) cluster.rows("SELECT kid FROM signing_keys WHERE active = 1").get(0).get("kid");
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(cluster.number("SELECT count(*) FROM signing_keys")).isEqualTo(2);

        // Each node signs with the new key once it reloads (every second here); refreshing is the cheapest new token.
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            NodeProcess node = cluster.nodes().get(i);
            String refreshToken = sessions.get(i).path("refresh_token").asText();
            String[] last = new String[1];
            Await.until(node + " to sign with key " + newKid, Duration.ofSeconds(30), () -> {
                last[0] = json(expectStatus(call(node, "POST", "/auth/session", refreshToken), 201))
                        .path("access_token").asText();
                return kid(last[0]).equals(newKid);
            }, () -> "key " + kid(last[0]));
            fresh.add(last[0]);
        }
        // A token one node signed with the new key is accepted by every node.
        for (int i = 0; i < 3; i++) {
            for (NodeProcess node : cluster.nodes()) {
                expectStatus(call(node, "GET", "/auth/profile", fresh.get(i)), 200);
            }
        }
        // Tokens signed with the old key keep working until they expire: its access token, and its refresh token,
        // which now yields access tokens signed with the new key.
        for (NodeProcess node : cluster.nodes()) {
            expectStatus(call(node, "GET", "/auth/profile", old.path("access_token").asText()), 200);
            String renewed = json(expectStatus(call(node, "POST", "/auth/session", old.path("refresh_token").asText()), 201))
                    .path("access_token").asText();
            assertThat(kid(renewed)).as("key of an access token refreshed on " + node).isEqualTo(newKid);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Races across nodes
    // ---------------------------------------------------------------------------------------------

    /**
     * The races of the server's reliability suite, spread over the three nodes: the database, not a
     * node's memory, must pick the one winner. Each race releases its requests together from virtual
     * threads, a third to each node.
     */
    @Test
    @Order(6)
    void one_email_one_confirmation_and_one_reset_token_raced_across_the_nodes_have_one_winner_each() throws Exception {
        String email = uniqueEmail("race");
        Map<String, Long> registered = race("register one email", n -> post(node(n), "/register",
                body("email", email, "password", PASSWORD)));
        assertThat(registered).containsExactlyInAnyOrderEntriesOf(Map.of("201", 1L, "409 AccountNameInUse", RACERS - 1L));
        assertThat(cluster.number("SELECT count(*) FROM users WHERE email = ?", email)).isEqualTo(1);

        JsonNode confirm = latestMail(email, "confirmation");
        Map<String, Long> confirmed = race("confirm with one token", n -> post(node(n), "/confirm",
                body("token", confirm.path("token").asText(), "tokenId", confirm.path("tokenId").asText())));
        assertThat(confirmed).containsExactlyInAnyOrderEntriesOf(Map.of("204", 1L, "400 UserpassTokenInvalid", RACERS - 1L));
        login(node(1), email, PASSWORD);

        expectStatus(post(node(2), "/reset/send", body("email", email)), 204);
        JsonNode reset = latestMail(email, "reset");
        String newPassword = "raced-Passw0rd";
        Map<String, Long> resets = race("reset with one token", n -> post(node(n), "/reset", body("token",
                reset.path("token").asText(), "tokenId", reset.path("tokenId").asText(), "password", newPassword)));
        assertThat(resets).containsExactlyInAnyOrderEntriesOf(Map.of("204", 1L, "400 UserpassTokenInvalid", RACERS - 1L));
        login(node(3), email, newPassword);
    }

    private static final int RACERS = 150;

    /** Sends {@link #RACERS} requests at once, racer i to node i % 3 + 1; counts the answers by status and error code. */
    private static Map<String, Long> race(String name, IntFunction<HttpResponse<String>> request) throws Exception {
        Race race = Race.run(RACERS, racer -> request.apply(racer % 3 + 1));
        System.out.printf("multinode race: %-24s %d requests over 3 nodes in %d ms: %s%n", name, RACERS, race.millis(),
                race.byAnswer());
        return race.byAnswer();
    }

    // ---------------------------------------------------------------------------------------------
    // 5. realm-web, a different node per call
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(7)
    void realm_web_passes_the_compatibility_suite_with_a_different_node_per_call() throws Exception {
        String harnessUrl = "http://127.0.0.1:" + harness.getAddress().getPort();
        long[] before = cluster.proxy().served();
        // realm-web asks the location route for the app's hostname, which is every node's public URL, the
        // proxy: so each of its later calls goes through the proxy too, to the next node in turn.
        // No GATEHOUSE_CLOCK_URL: separate processes run on the real clock, so the tests that move time skip.
        RealmWebSuite.Result result = RealmWebSuite.run(Map.of(
                "GATEHOUSE_URL", cluster.proxy().url(),
                "GATEHOUSE_APP_ID", APP,
                "GATEHOUSE_MAILBOX_URL", harnessUrl + "/mailbox",
                "GATEHOUSE_FUNCTION_URL", cluster.proxy().url(),
                "GATEHOUSE_FUNCTION_APP_ID", FunctionApp.ID,
                "GATEHOUSE_RECORDER_URL", harnessUrl + "/calls"));
        assertThat(result.exitCode()).as("node --test exit code (see its report above)").isZero();
        assertThat(result.count("fail")).isZero();
        assertThat(result.count("pass")).as("passed tests").isPositive();
        assertThat(result.count("pass") + result.count("skipped")).isEqualTo(result.count("tests"));
        assertThat(result.skipped()).as("only the tests that need clock control skip")
                .allSatisfy(line -> assertThat(line).contains("GATEHOUSE_CLOCK_URL"));
        long[] after = cluster.proxy().served();
        System.out.printf("realm-web suite: %d passed, %d skipped; calls per node: %s%n", result.count("pass"),
                result.count("skipped"), describeCalls(before, after));
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i] - before[i]).as("calls node-" + (i + 1) + " served").isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 6. The outbox, worked on by every node
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(8)
    void every_queued_email_was_sent_exactly_once() throws MessagingException {
        // The tests before sent mail from every node; one more registration per node keeps this test whole on its own.
        for (NodeProcess node : cluster.nodes()) {
            expectStatus(post(node, "/register", body("email", uniqueEmail("outbox"), "password", PASSWORD)), 201);
        }
        Await.until("an outbox with nothing queued", Duration.ofSeconds(60),
                () -> cluster.number("SELECT count(*) FROM outbox WHERE status = 'queued'") == 0);
        List<Map<String, Object>> outbox = cluster.rows("SELECT id, status, attempts FROM outbox ORDER BY seq");
        assertThat(outbox).as("outbox messages (from all the tests before)").isNotEmpty();
        assertThat(outbox).allSatisfy(row -> assertThat(row.get("status")).as("status of " + row).isEqualTo("sent"));
        // A grace period for a late second copy: a node that sent a message another node had claimed.
        Await.sleep(Duration.ofSeconds(1));

        List<Cluster.Received> received = cluster.received();
        List<String> messageIds = new ArrayList<>();
        Map<Integer, Long> sentByNode = new TreeMap<>();
        for (Cluster.Received mail : received) {
            messageIds.add(mail.message().getMessageID());
            sentByNode.merge(mail.node(), 1L, Long::sum);
        }
        System.out.printf("outbox: %d messages; sent by node: %s%n", outbox.size(), sentByNode);
        assertThat(messageIds).as("Message-IDs received").doesNotHaveDuplicates();
        Set<String> outboxIds = outbox.stream().map(row -> (String) row.get("id")).collect(Collectors.toSet());
        assertThat(messageIds.stream().map(ClusterMailbox::outboxId).collect(Collectors.toSet()))
                .as("the outbox ids in the received Message-IDs").isEqualTo(outboxIds);
        assertThat(received).hasSameSizeAs(outbox);
        // Each node's mail server received some: every node's worker delivered, none was idle or alone.
        assertThat(sentByNode.keySet()).as("nodes whose mail server received mail").containsExactly(1, 2, 3);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private static NodeProcess node(int n) {
        return cluster.node(n);
    }

    private static String uniqueEmail(String label) {
        return label + "-" + HexFormat.of().formatHex(randomBytes(6)) + "@example.com";
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** A new confirmed user: registered on node {@code registerOn}, confirmed on node {@code confirmOn}. */
    private static String registerConfirmed(String label, int registerOn, int confirmOn) {
        String email = uniqueEmail(label);
        expectStatus(post(node(registerOn), "/register", body("email", email, "password", PASSWORD)), 201);
        JsonNode mail = latestMail(email, "confirmation");
        expectStatus(post(node(confirmOn), "/confirm", body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText())), 204);
        return email;
    }

    private static JsonNode login(NodeProcess node, String email, String password) {
        JsonNode session = json(expectStatus(post(node, "/login", body("username", email, "password", password)), 200));
        assertThat(session.path("access_token").asText()).isNotEmpty();
        assertThat(session.path("refresh_token").asText()).isNotEmpty();
        return session;
    }

    /** The newest mail to {@code email} in the default app, once delivered; it must be of {@code kind}. */
    private static JsonNode latestMail(String email, String kind) {
        List<Map<String, Object>> messages = mailbox.latest(APP, email, 1);
        assertThat(messages).as("mail to " + email).isNotEmpty();
        JsonNode mail = JSON.valueToTree(messages.get(0));
        assertThat(mail.path("kind").asText()).as("kind of the newest mail to " + email).isEqualTo(kind);
        assertThat(mail.path("token").asText()).matches("[0-9a-f]{128}");
        assertThat(mail.path("tokenId").asText()).matches("[0-9a-f]{24}");
        return mail;
    }

    /** POSTs JSON to the default app's {@code local-userpass} provider route {@code path} on {@code node}. */
    private static HttpResponse<String> post(NodeProcess node, String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(node.url() + "/api/client/v2.0/app/" + APP
                        + "/auth/providers/local-userpass" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A session route ({@code /api/client/v2.0<path>}) with a bearer token and no body. */
    private static HttpResponse<String> call(NodeProcess node, String method, String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(node.url() + "/api/client/v2.0" + path))
                .header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> expectStatus(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri()
                + " answered: " + response.body()).isEqualTo(status);
        return response;
    }

    private static void expectError(HttpResponse<String> response, int status, String errorCode) {
        expectStatus(response, status);
        assertThat(json(response).path("error_code").asText()).as("error_code of " + response.body()).isEqualTo(errorCode);
    }

    private static String body(String... namesAndValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node.toString();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The {@code kid} in a JWT's header: the signing key. */
    private static String kid(String jwt) {
        return parse(decodePart(jwt, 0)).path("kid").asText();
    }

    private static JsonNode payload(String jwt) {
        return parse(decodePart(jwt, 1));
    }

    private static String decodePart(String jwt, int index) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8);
    }

    private static String describeCalls(long[] before, long[] after) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            parts.add("node-" + (i + 1) + "=" + (after[i] - before[i]));
        }
        return String.join(", ", parts);
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
