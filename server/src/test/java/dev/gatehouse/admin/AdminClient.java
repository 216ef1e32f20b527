package dev.gatehouse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Gatehouse;
import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Speaks the admin API over HTTP, as an SDK test harness or the console does. */
final class AdminClient {
    static final String ADMIN = "/api/admin/v3.0";
    static final String USERNAME = "ops";
    static final String PASSWORD = "correct horse battery staple";

    private final TestServer server;
    private final String token;

    private AdminClient(TestServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** Creates the admin if needed and signs in as it. */
    static AdminClient signIn(TestServer server) {
        server.server().bootstrapAdmin(USERNAME, PASSWORD);
        HttpResponse<String> login = TestServer.expectStatus(server.post(server.url() + ADMIN
                + "/auth/providers/local-userpass/login", TestServer.body("username", USERNAME, "password", PASSWORD)), 200);
        return new AdminClient(server, TestServer.json(login).path("access_token").asText());
    }

    static String app(String appPath) {
        return ADMIN + "/groups/" + Gatehouse.GROUP_ID + "/apps/" + appPath;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    String token() {
        return token;
    }

    HttpResponse<String> call(String method, String path, String json) {
        return call(method, path, json, token);
    }

    HttpResponse<String> call(String method, String path, String json, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return server.send(request);
    }

    JsonNode json(String method, String path, String json, int status) {
        return TestServer.json(TestServer.expectStatus(call(method, path, json), status));
    }

    void expect(String method, String path, String json, int status) {
        TestServer.expectStatus(call(method, path, json), status);
    }
}
