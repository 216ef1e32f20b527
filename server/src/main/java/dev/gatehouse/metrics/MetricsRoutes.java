package dev.gatehouse.metrics;

import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.http.LoopbackPeers;
import io.javalin.Javalin;

/**
 * {@code GET /metrics}: every meter in Prometheus text format. No label carries an email, a token
 * or a user id, but counts and timings still tell an outsider how the server is used, so only
 * loopback clients (a sidecar, an agent on the host, a tunnel) are answered unless the operator
 * allows remote ones with {@code --metrics-remote}. Others get the same 404 as an unknown path, so
 * the endpoint's existence is not advertised.
 */
public final class MetricsRoutes {
    private final Metrics metrics;
    private final boolean allowRemote;

    public MetricsRoutes(Metrics metrics, boolean allowRemote) {
        this.metrics = metrics;
        this.allowRemote = allowRemote;
    }

    public void register(Javalin javalin) {
        javalin.get("/metrics", ctx -> {
            if (!LoopbackPeers.allows(ctx.req().getRemoteAddr(), allowRemote)) {
                throw new ApiException(ErrorCode.NotFound, "no route matches this method and path");
            }
            ctx.status(200).contentType(Metrics.CONTENT_TYPE).result(metrics.scrape());
        });
    }
}
