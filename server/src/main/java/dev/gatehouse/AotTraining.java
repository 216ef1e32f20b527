package dev.gatehouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse aot-training}: the training run of the JVM's ahead-of-time cache (JDK 25, JEPs 483,
 * 514 and 515). {@code ./gatehouse} runs it once per build under {@code -XX:AOTCacheOutput}: a server
 * on a free port and a temporary data directory, every common route a few times over HTTP
 * (register, confirm through the dev mailbox, the hosted page, login, profile, refresh, logout,
 * reset, the errors, metrics), then a clean stop. The JVM then writes the classes this loaded and
 * linked, and the methods' profiles, into the cache; later starts with {@code -XX:AOTCache} skip that
 * work (the first answer came in 0.64 of the time, docs/performance.md). Hidden: not an operator's command.
 */
@Command(name = "aot-training", hidden = true, mixinStandardHelpOptions = true,
        description = "Exercise a throw-away server so that the JVM can record its ahead-of-time cache.")
final class AotTraining implements Callable<Integer> {
    private static final String APP = "gatehouse-local";
    private static final String PASSWORD = "training-password-1";

    @Option(names = "--rounds", defaultValue = "12", description = "Times each route is exercised (default ${DEFAULT-VALUE}).")
    int rounds;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-aot-training");
        try (Gatehouse server = Gatehouse.start(ServerConfig.defaults(dir).withPort(0))) {
            base = server.url();
            for (int i = 0; i < rounds; i++) {
                round(i);
            }
        } finally {
            delete(dir);
        }
        System.out.println("aot-training: " + rounds + " rounds done");
        return 0;
    }

    /** One user's whole life, and the mistakes clients make. A status other than the expected one stops the run. */
    private void round(int i) throws IOException, InterruptedException {
        String userpass = "/api/client/v2.0/app/" + APP + "/auth/providers/local-userpass";
        String email = "training-" + i + "@example.com";
        send("GET", "/api/client/v2.0/app/" + APP + "/location", null, null, 200);
        send("POST", userpass + "/register", body("email", email, "password", PASSWORD), null, 201);
        JsonNode mail = Json.MAPPER.readTree(send("GET", "/dev/mailbox/" + APP + "?email=" + URLEncoder.encode(email,
                StandardCharsets.UTF_8), null, null, 200)).path("messages").path(0);
        String token = mail.path("token").asText();
        String tokenId = mail.path("tokenId").asText();
        send("GET", "/app/" + APP + "/confirm?token=" + token + "&tokenId=" + tokenId, null, null, 200);
        send("POST", userpass + "/confirm", body("token", token, "tokenId", tokenId), null, 204);
        JsonNode login = Json.MAPPER.readTree(send("POST", userpass + "/login", body("username", email, "password", PASSWORD),
                null, 200));
        String access = login.path("access_token").asText();
        String refresh = login.path("refresh_token").asText();
        send("GET", "/api/client/v2.0/auth/profile", null, access, 200);
        send("POST", "/api/client/v2.0/auth/session", null, refresh, 201);
        send("POST", userpass + "/reset/send", body("email", email), null, 204);
        send("DELETE", "/api/client/v2.0/auth/session", null, refresh, 204);
        if (i < 3) {  // a few failures only: more would meet the rate limits
            send("POST", userpass + "/login", body("username", email, "password", "wrong-password"), null, 401);
        }
        send("POST", userpass + "/register", "{\"email\":", null, 400);
        send("GET", "/api/client/v2.0/app/" + APP + "/nowhere", null, null, 404);
        send("GET", "/metrics", null, null, 200);
    }

    private String send(String method, String path, String json, String bearer, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path.replaceAll("token=[^&]*", "token=...") + ": "
                    + response.statusCode() + ", expected " + expected);
        }
        return response.body();
    }

    private static String body(String... namesAndValues) {
        var node = Json.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node.toString();
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
