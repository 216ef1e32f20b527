package dev.gatehouse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outside service the function app's functions report to. {@code POST /calls} with a JSON
 * object {@code {function, username, ...}} stores it and answers {@code {"calls": n}}, how many
 * calls of that function for that username it has seen so far; {@code GET /calls?username=U}
 * answers {@code {"calls": [...]}}, every stored object for U, oldest first. Thread-safe: with
 * several nodes, calls arrive from several processes at once.
 */
final class FunctionCallRecorder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> calls = new ArrayList<>();

    void handle(HttpExchange exchange) throws IOException {
        JsonNode reply;
        synchronized (calls) {
            if (exchange.getRequestMethod().equals("POST")) {
                JsonNode call = JSON.readTree(exchange.getRequestBody());
                calls.add(call);
                long seen = calls.stream().filter(c -> c.path("username").equals(call.path("username"))
                        && c.path("function").equals(call.path("function"))).count();
                reply = JSON.createObjectNode().put("calls", seen);
            } else {
                String query = Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
                String username = URLDecoder.decode(query.replaceFirst("^username=", ""), StandardCharsets.UTF_8);
                ArrayNode matching = JSON.createArrayNode();
                calls.stream().filter(c -> c.path("username").asText().equals(username)).forEach(matching::add);
                reply = JSON.createObjectNode().set("calls", matching);
            }
        }
        byte[] body = JSON.writeValueAsBytes(reply);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
