package dev.gatehouse.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The HTTP side: the location request (once; later requests go to its {@code hostname}, as the
 * SDKs do), the SDKs' headers, and turning error replies into {@link AppException}. Every call is
 * asynchronous underneath; the synchronous API waits on it. Thread-safe.
 */
final class Transport implements AutoCloseable {
    static final String API = "/api/client/v2.0";

    private final AppConfiguration config;
    private final HttpClient client;
    private final boolean ownsClient;
    private final AtomicReference<CompletableFuture<String>> hostname = new AtomicReference<>();

    Transport(AppConfiguration config) {
        this.config = config;
        this.ownsClient = config.httpClient() == null;
        this.client = ownsClient ? HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build() : config.httpClient();
    }

    /** The server's reply body (possibly empty) to a request on a path under the API root. */
    CompletableFuture<String> send(String method, String path, String jsonBody, String bearer) {
        return hostname().thenCompose(host -> exchange(method, URI.create(host + API + path), jsonBody, bearer));
    }

    /** A path under this app: {@code /app/<id>} + {@code rest}. */
    String appPath(String rest) {
        return "/app/" + config.appId() + rest;
    }

    private CompletableFuture<String> hostname() {
        CompletableFuture<String> known = hostname.get();
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        CompletableFuture<String> lookup = exchange("GET", URI.create(config.baseUrl() + API + appPath("/location")), null, null)
                .thenApply(body -> {
                    BsonValue host = parse(body).get("hostname");
                    // A server without a hostname in its reply is served where it was asked.
                    String value = host != null && host.isString() ? host.asString().getValue() : config.baseUrl().toString();
                    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                });
        // Concurrent first calls share one lookup; a failed one is retried by the next call.
        return hostname.compareAndSet(known, lookup) ? lookup : hostname();
    }

    private CompletableFuture<String> exchange(String method, URI uri, String jsonBody, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("Accept", "application/json");
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        String what = method + " " + uri;
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                        throw new CompletionException(new AppException("Request failed (" + what + "): " + cause,
                                null, 0, null, cause));
                    }
                    if (response.statusCode() / 100 == 2) {
                        return response.body();
                    }
                    throw new CompletionException(error(what, response));
                });
    }

    private static AppException error(String what, HttpResponse<String> response) {
        String message = null;
        String code = null;
        String link = null;
        try {
            BsonDocument body = parse(response.body());
            message = string(body, "error");
            code = string(body, "error_code");
            link = string(body, "link");
        } catch (RuntimeException notJson) {
            // Not an App Services error body (a proxy's HTML page, say): the status tells what it can.
        }
        String text = "Request failed (" + what + "): " + (message != null ? message : "no error message")
                + " (status " + response.statusCode() + (code != null ? ", " + code : "") + ")";
        return new AppException(text, code, response.statusCode(), link, null);
    }

    static BsonDocument parse(String json) {
        return json == null || json.isBlank() ? new BsonDocument() : BsonDocument.parse(json);
    }

    static String string(BsonDocument document, String key) {
        BsonValue value = document.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    /** The {@link AppException} inside a failed future's exception, or the exception itself. */
    static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof IOException io) {
            return new AppException("Request failed: " + io, null, 0, null, io);
        }
        return new IllegalStateException(cause);
    }

    /** Waits for a future, as the synchronous API does, rethrowing its {@link AppException}. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw unwrap(e);
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
