package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server that is not Gatehouse: it answers each {@code METHOD path} with replies scripted from
 * the wire contract, in turn (the last one repeats), and records every request it gets.
 */
final class ReplayServer implements AutoCloseable {
    record Reply(int status, String body) {}

    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private final HttpServer http;
    private final Map<String, Deque<Reply>> replies = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    ReplayServer() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/", this::handle);
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Scripts the replies to {@code "POST /api/client/v2.0/..."}; the last one repeats. */
    synchronized ReplayServer on(String methodAndPath, Reply... next) {
        Deque<Reply> queue = replies.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>());
        queue.clear();
        queue.addAll(List.of(next));
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized List<Request> requests(String methodAndPath) {
        return requests.stream().filter(r -> (r.method() + " " + r.path()).equals(methodAndPath)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            Reply reply;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body));
                Deque<Reply> queue = replies.get(key);
                reply = queue == null || queue.isEmpty() ? new Reply(404, "{\"error\":\"no route\",\"error_code\":\"NotFound\"}")
                        : queue.size() > 1 ? queue.poll() : queue.peek();
            }
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
