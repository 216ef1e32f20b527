package dev.gatehouse.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reading requests: bounded JSON bodies and bearer tokens. */
public final class Requests {
    /** Route prefix of the client API. */
    public static final String CLIENT = "/api/client/v2.0";
    /** Route prefix of one app's client API; {@code {app}} is the client app id. */
    public static final String APP = CLIENT + "/app/{app}";
    /** Route prefix of the local-userpass provider; {@code {provider}} must name it. */
    public static final String USERPASS = APP + "/auth/providers/{provider}";

    static final String MAX_BYTES_ATTRIBUTE = "gatehouse.maxRequestBytes";

    private Requests() {}

    /**
     * The request body as a JSON object. Reads at most the configured limit, whatever the
     * {@code Content-Length} claims, and answers 413 beyond it.
     */
    public static JsonBody json(Context ctx) {
        long max = ctx.attribute(MAX_BYTES_ATTRIBUTE) instanceof Long l ? l : 64 * 1024;
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) max + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read");
        }
        if (body.length > max) {
            throw new ApiException(ErrorCode.RequestTooLarge, "request body is larger than " + max + " bytes");
        }
        return Json.requestObject(body);
    }

    /**
     * Refuses at once a body whose {@code Content-Length} is past the limit, before reading any of
     * it: otherwise a client announcing 10 MB and sending one byte holds its request open until the
     * idle timeout. Found by the raw-socket tests (WireReliabilityTest). Chunked bodies have no
     * length up front; {@link #json} bounds what it reads of those.
     */
    static void refuseOversizedBody(Context ctx, long max) {
        if (ctx.req().getContentLengthLong() > max) {
            throw new ApiException(ErrorCode.RequestTooLarge, "request body is larger than " + max + " bytes");
        }
    }

    /**
     * Refuses a query string with an encoded NUL ({@code %00}); Jetty already refuses one in the
     * path. Found by fuzzing: PostgreSQL cannot compare text with a NUL in it, so a search for one
     * was a 500 there.
     */
    static void refuseNulInQuery(Context ctx) {
        String query = ctx.queryString();
        if (query != null && query.toLowerCase(java.util.Locale.ROOT).contains("%00")) {
            throw ApiException.badRequest("query parameters must not contain NUL characters");
        }
    }

    /**
     * An integer query parameter between {@code min} and {@code max}, {@code defaultValue} when
     * absent or empty, else 400 {@code BadRequest} naming the bounds.
     */
    public static int intQuery(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("query parameter '" + name + "' must be between " + min + " and " + max);
    }

    /** The token of an {@code Authorization: Bearer} header, if any. */
    public static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim()).filter(t -> !t.isEmpty());
    }

    /** The bearer token, or 401 {@code MissingAuthReq}. */
    public static String requireBearer(Context ctx) {
        return bearer(ctx).orElseThrow(() -> new ApiException(ErrorCode.MissingAuthReq, "must authenticate first"));
    }
}
