package dev.gatehouse.http;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import dev.gatehouse.token.Ids;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WireFormatTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void location_names_the_public_url_and_a_websocket_url() {
        HttpResponse<String> response = server.get(server.url() + "/api/client/v2.0/app/" + APP + "/location", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        JsonNode body = TestServer.json(response);
        assertThat(body.path("hostname").asText()).isEqualTo(server.url()).doesNotEndWith("/");
        assertThat(body.path("ws_hostname").asText()).isEqualTo(server.url().replace("http://", "ws://"));
        assertThat(body.path("deployment_model").asText()).isEqualTo("GLOBAL");
        assertError(server.get(server.url() + "/api/client/v2.0/app/nope/location", null), 404, "AppNotFound",
                "cannot find app using Client App ID 'nope'");
    }

    @Test
    void unknown_routes_and_methods_answer_a_json_404() {
        assertError(server.get(server.url() + "/api/client/v2.0/nothing/here", null), 404, "NotFound",
                "no route matches this method and path");
        assertError(server.send(HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/register")).GET()), 404,
                "NotFound", "no route matches this method and path");
    }

    @Test
    void preflights_are_answered_and_every_reply_allows_the_origin() {
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/login"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://app.example");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST", "DELETE");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("authorization");

        HttpResponse<String> error = server.send(HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/login"))
                .header("Origin", "http://app.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"x@y.z\",\"password\":\"nope-nope\"}")));
        assertThat(error.statusCode()).isEqualTo(401);
        assertThat(error.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://app.example");
        // A browser app may read a 429's Retry-After (rate limits, mail quota) only if it is exposed.
        assertThat(error.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Retry-After");
    }

    @Test
    void an_unexpected_failure_is_a_fixed_500_without_internals_but_logged_with_its_request_id() throws Exception {
        PublicUrl url = new PublicUrl();
        HttpServer http = new HttpServer(65_536, url, new Ids(Clock.systemUTC(), new SecureRandom()));
        http.javalin().get("/boom", ctx -> {
            throw new IllegalStateException("SELECT password_hash FROM users WHERE secret='hunter2'");
        });
        int port = http.start("127.0.0.1", 0);
        url.set("http://localhost:" + port);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url.get() + "/boom")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(response, 500, "InternalServerError", "internal server error");
            assertThat(response.body()).doesNotContain("hunter2", "SELECT", "IllegalStateException", "at dev.");
            String coId = TestServer.json(response).path("link").asText().replaceAll(".*co_id=", "");
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("co_id=" + coId);
        } finally {
            System.setErr(originalErr);
            http.stop();
        }
    }
}
