package dev.gatehouse.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code context.http} does for a JavaScript function: one request to an allow-listed host,
 * no redirects (a redirect could leave the allow-list), bounded by the call's deadline, with the
 * reply body cut at 1 MiB. Requests and replies cross into the sandbox as JSON text, so no Java
 * object is ever exposed to the function. Thread-safe.
 */
final class FunctionHttp {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    // Headers the JDK client manages itself and refuses to take from callers.
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HostAllowList allowList;
    private final HttpClient client;

    FunctionHttp(HostAllowList allowList, HttpClient client) {
        this.allowList = allowList;
        this.client = client;
    }

    /**
     * Runs a request described by {@code {url, headers, body, encodeBodyAsJSON}} and returns
     * {@code {statusCode, status, headers, body}} or {@code {error}}, as JSON text.
     */
    String request(String method, String optionsJson, long deadlineNanos) {
        ObjectNode reply = Json.MAPPER.createObjectNode();
        try {
            reply = send(method, Json.MAPPER.readTree(optionsJson), deadlineNanos);
        } catch (RefusedException e) {
            reply.put("error", e.getMessage());
        } catch (IllegalArgumentException e) {
            // A header name or value the HTTP client refuses: the function's mistake, told to it.
            reply.put("error", "context.http: invalid request: " + e.getMessage());
        } catch (IOException e) {
            reply.put("error", "context.http." + method.toLowerCase(java.util.Locale.ROOT) + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply.put("error", "context.http request interrupted");
        }
        return reply.toString();
    }

    private ObjectNode send(String method, JsonNode options, long deadlineNanos)
            throws IOException, InterruptedException, RefusedException {
        if (!METHODS.contains(method)) {
            throw new RefusedException("context.http: method " + method + " is not supported");
        }
        String url = options.path("url").asText(null);
        if (url == null) {
            throw new RefusedException("context.http: the request needs a url");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedException("context.http: not a URL: " + url);
        }
        if (!allowList.allows(uri)) {
            throw new RefusedException("context.http: host " + uri.getHost()
                    + " is not on the server's function HTTP allow-list (--function-http-allow)");
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new RefusedException("context.http: the function has no time left");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining));
        JsonNode headers = options.path("headers");
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            if (RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            JsonNode value = header.getValue();
            for (JsonNode one : value.isArray() ? value : List.of(value)) {
                request.header(header.getKey(), one.asText());
            }
        }
        JsonNode body = options.get("body");
        String text = body == null || body.isNull() ? null
                : body.isTextual() && !options.path("encodeBodyAsJSON").asBoolean(false) ? body.asText() : body.toString();
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new RefusedException("context.http: the reply body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("statusCode", response.statusCode());
        reply.put("status", String.valueOf(response.statusCode()));
        ObjectNode replyHeaders = reply.putObject("headers");
        response.headers().map().forEach((name, values) -> {
            var array = replyHeaders.putArray(name);
            values.forEach(array::add);
        });
        reply.put("body", new String(bytes, StandardCharsets.UTF_8));
        return reply;
    }

    /** A request the sandbox refuses; its message goes back to the function as an Error. */
    private static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
