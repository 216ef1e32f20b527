package dev.gatehouse.http;

import io.javalin.http.Context;

/** The per-request id that ties an error body's {@code link} to the server log line. */
public final class RequestIds {
    static final String ATTRIBUTE = "gatehouse.requestId";

    private RequestIds() {}

    public static String of(Context ctx) {
        Object id = ctx.attribute(ATTRIBUTE);
        return id == null ? "unknown" : id.toString();
    }
}
