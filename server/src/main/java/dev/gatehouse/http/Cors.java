package dev.gatehouse.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * CORS for the client API (spec 10): realm-web runs in browsers, where every JSON POST, every
 * request with {@code Authorization} and every DELETE is preflighted, and every response, errors
 * included, needs {@code Access-Control-Allow-Origin} or the SDK sees a network error instead of
 * the JSON error.
 */
public final class Cors {
    private Cors() {}

    public static void install(Javalin javalin) {
        javalin.before(Requests.CLIENT + "/*", Cors::allowOrigin);
        javalin.options(Requests.CLIENT + "/*", Cors::preflight);
    }

    private static void allowOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
    }

    private static void preflight(Context ctx) {
        if (ctx.method() != HandlerType.OPTIONS) {
            return;
        }
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", requested != null && !requested.isBlank()
                ? requested : "Authorization, Content-Type, Accept");
        ctx.header("Access-Control-Max-Age", "86400");
        Responses.empty(ctx, 204);
    }
}
