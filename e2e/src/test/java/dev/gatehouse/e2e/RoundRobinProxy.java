package dev.gatehouse.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A reverse proxy on loopback that sends each request to the next node in turn, as a load balancer
 * without session affinity would: a client that logs in on one node refreshes on the next and reads
 * its profile on the one after. It forwards method, path and query, the end-to-end headers and the
 * body unchanged, and answers with the node's status, end-to-end headers and body (still encoded,
 * if the node compressed it). It counts the requests each node served.
 */
final class RoundRobinProxy implements AutoCloseable {
    /** Hop-by-hop headers (RFC 9110 section 7.6.1) and those the proxy's own HTTP stacks set. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "date");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong next = new AtomicLong();
    private volatile List<URI> nodes = List.of();
    private volatile AtomicLongArray served = new AtomicLongArray(0);

    private RoundRobinProxy(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds a free loopback port and starts serving. The nodes are set later ({@link #forwardTo}),
     * because they must be told the proxy's URL, their public URL, when they start.
     */
    static RoundRobinProxy start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        RoundRobinProxy proxy = new RoundRobinProxy(server, executor);
        server.createContext("/", proxy::handle);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    /** The nodes to rotate over, by their base URLs; resets the counts. */
    void forwardTo(List<String> nodeUrls) {
        served = new AtomicLongArray(nodeUrls.size());
        nodes = nodeUrls.stream().map(URI::create).toList();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many requests each node has answered, in the order given to {@link #forwardTo}. */
    long[] served() {
        AtomicLongArray counts = served;
        long[] copy = new long[counts.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            List<URI> targets = nodes;
            if (targets.isEmpty()) {
                reply(exchange, 503, "no nodes yet");
                return;
            }
            int index = (int) Math.floorMod(next.getAndIncrement(), (long) targets.size());
            URI target = targets.get(index).resolve(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (forwarded(name)) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                reply(exchange, 502, "node " + (index + 1) + " at " + targets.get(index) + " failed: " + e);
                return;
            }
            served.incrementAndGet(index);
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                if (forwarded(header.getKey()) && !header.getKey().startsWith(":")) {
                    exchange.getResponseHeaders().put(header.getKey(), header.getValue());
                }
            }
            byte[] out = response.body();
            // -1: no body at all, so a 204 or an empty 201 goes out as the node sent it.
            exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean forwarded(String header) {
        return !NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT));
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
