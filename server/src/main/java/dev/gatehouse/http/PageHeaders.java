package dev.gatehouse.http;

import io.javalin.http.Context;

/**
 * The headers every HTML page Gatehouse serves carries (hosted pages, console): its own
 * Content-Security-Policy, no Referer to other sites (hosted-page URLs hold live tokens), and no
 * content-type sniffing.
 */
public final class PageHeaders {
    private PageHeaders() {}

    public static void apply(Context ctx, String contentSecurityPolicy) {
        ctx.header("Content-Security-Policy", contentSecurityPolicy);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
    }
}
