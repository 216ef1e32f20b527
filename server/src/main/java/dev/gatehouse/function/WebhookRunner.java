package dev.gatehouse.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.http.Json;
import dev.gatehouse.token.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * A function served by the application over HTTP. Each call is one signed POST of
 * {@code {"function", "app_id", "arguments": [first, ...extra]}} (arguments in canonical Extended
 * JSON, as the SDKs sent them), answered by a 2xx with {@code {"status": "success"|"pending"|"fail"}}.
 * No redirects, no retries (the client is waiting): a receiver that is down is a failure.
 */
final class WebhookRunner implements FunctionRunner {
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final URI url;
    private final byte[] key;
    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;
    private final Ids ids;

    WebhookRunner(URI url, byte[] key, HttpClient client, Duration timeout, Clock clock, Ids ids) {
        this.url = url;
        this.key = key.clone();
        this.client = client;
        this.timeout = timeout;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public FunctionStatus run(FunctionCall call) throws FunctionFailure {
        BsonArray arguments = new BsonArray();
        arguments.add(call.firstArgument());
        arguments.addAll(call.arguments());
        String body = new BsonDocument("function", new BsonString(call.functionName()))
                .append("app_id", new BsonString(call.appId()))
                .append("arguments", arguments)
                .toJson(FunctionArguments.CANONICAL);
        String id = "msg_" + ids.objectId();
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Gatehouse")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(key, id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] reply;
            try (InputStream in = response.body()) {
                reply = in.readNBytes(MAX_REPLY_BYTES + 1);
            }
            if (response.statusCode() / 100 != 2) {
                throw new FunctionFailure("webhook " + url + " answered HTTP " + response.statusCode());
            }
            if (reply.length > MAX_REPLY_BYTES) {
                throw new FunctionFailure("webhook " + url + " answered more than " + MAX_REPLY_BYTES + " bytes");
            }
            return status(reply);
        } catch (HttpTimeoutException e) {
            throw new FunctionFailure("webhook " + url + " did not answer within " + timeout.toMillis() + "ms");
        } catch (IOException e) {
            throw new FunctionFailure("webhook " + url + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionFailure("interrupted while calling webhook " + url);
        }
    }

    private FunctionStatus status(byte[] reply) throws FunctionFailure {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(reply);
        } catch (IOException e) {
            throw new FunctionFailure("webhook " + url + " answered something that is not JSON");
        }
        String status = node != null && node.path("status").isTextual() ? node.get("status").asText() : null;
        return FunctionStatus.parse(status).orElseThrow(() -> new FunctionFailure("webhook " + url
                + " answered without a status of success, pending or fail"));
    }

    @Override
    public String kind() {
        return "webhook";
    }
}
