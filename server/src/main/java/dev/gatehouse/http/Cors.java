package dev.gatehouse.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * CORS for the client API (spec 10): realm-web runs in browsers, where every JSON POST, every
 * request with {@code Authorization} and every DELETE is preflighted, and every response, errors
 * included, needs {@code Access-Control-Allow-Origin} or the SDK sees a network error instead of
 * the JSON error.
 *
 * <p>An origin the {@link OriginPolicy} refuses (an app's {@code allowed_request_origins}) gets 403
 * {@code DomainNotAllowed} with no {@code Access-Control-Allow-Origin}, preflights included, so the
 * browser blocks the call; the route itself never runs.
 */
public final class Cors {
    private static final String APP_PREFIX = Requests.CLIENT + "/app/";
    private final OriginPolicy policy;

    private Cors(OriginPolicy policy) {
        this.policy = policy;
    }

    public static void install(Javalin javalin, OriginPolicy policy) {
        Cors cors = new Cors(policy);
        javalin.before(Requests.CLIENT + "/*", cors::checkOrigin);
        javalin.options(Requests.CLIENT + "/*", Cors::preflight);
    }

    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        // The answer depends on the origin either way, so caches must key on it.
        ctx.header("Vary", "Origin");
        if (!policy.allows(appIn(ctx.path()), origin)) {
            throw new ApiException(ErrorCode.DomainNotAllowed, "requests from this origin are not allowed");
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        // Not a CORS-safelisted response header: without this a browser app cannot read how long a
        // 429 asks it to wait.
        ctx.header("Access-Control-Expose-Headers", "Retry-After");
    }

    /** The client app id of {@code /api/client/v2.0/app/{app}/...}, or null on the app-less routes. */
    static String appIn(String path) {
        if (!path.startsWith(APP_PREFIX)) {
            return null;
        }
        int end = path.indexOf('/', APP_PREFIX.length());
        String segment = path.substring(APP_PREFIX.length(), end < 0 ? path.length() : end);
        if (segment.isEmpty()) {
            return null;
        }
        try {
            // The router matches the decoded id, so the policy must see the same one.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
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
