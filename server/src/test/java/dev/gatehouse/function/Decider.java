package dev.gatehouse.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

/**
 * What the test functions of every kind consult: it records each call (the arguments, and for
 * webhooks the request headers) and answers with the reply the test scripted for that username.
 * It is also a real HTTP server on loopback, which JavaScript functions reach through
 * {@code context.http} and which serves as the webhook endpoint.
 */
final class Decider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted reply: an HTTP status and body (for JavaScript and webhooks), or what Java returns. */
    record Reply(int httpStatus, String body, long delayMillis) {
        static Reply status(String status) {
            return new Reply(200, "{\"status\":\"" + status + "\"}", 0);
        }
    }

    /** One recorded call: its JSON {@code {function, app_id, arguments}} and the request headers. */
    record Call(JsonNode body, Map<String, List<String>> headers) {
        JsonNode first() {
            return body.path("arguments").get(0);
        }
    }

    private final Map<String, ConcurrentLinkedDeque<Reply>> replies = new ConcurrentHashMap<>();
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
    private final HttpServer http;

    Decider() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The next calls for {@code username} get these replies in turn; after them, pending. */
    void script(String username, Reply... next) {
        replies.computeIfAbsent(username, u -> new ConcurrentLinkedDeque<>()).addAll(List.of(next));
    }

    List<Call> calls(String username) {
        return calls.getOrDefault(username, List.of());
    }

    Call lastCall(String username) {
        List<Call> list = calls(username);
        if (list.isEmpty()) {
            throw new AssertionError("no function call for " + username);
        }
        return list.get(list.size() - 1);
    }

    /** Records a call and returns the reply scripted for its user. */
    Reply decide(JsonNode body, Map<String, List<String>> headers) {
        String username = body.path("arguments").path(0).path("username").asText();
        calls.computeIfAbsent(username, u -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new Call(body, headers));
        ConcurrentLinkedDeque<Reply> queue = replies.get(username);
        Reply reply = queue == null ? null : queue.poll();
        return reply == null ? Reply.status("pending") : reply;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            Reply reply = decide(body, exchange.getRequestHeaders());
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.httpStatus(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
