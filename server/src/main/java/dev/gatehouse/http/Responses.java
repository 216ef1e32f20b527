package dev.gatehouse.http;

import io.javalin.http.Context;

/**
 * Writes response bodies the way the Realm SDKs need them (spec T1-T3): JSON with exactly
 * {@code application/json}, and bodiless successes with no {@code Content-Type} at all, because
 * realm-web throws on any content type it cannot parse as JSON.
 */
public final class Responses {
    private Responses() {}

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status);
        ctx.res().setContentType(null);
        ctx.header("Content-Type", "application/json");
        ctx.result(Json.bytes(body));
    }

    public static void empty(Context ctx, int status) {
        ctx.status(status);
        ctx.res().setContentType(null);
        ctx.result(new byte[0]);
    }
}
