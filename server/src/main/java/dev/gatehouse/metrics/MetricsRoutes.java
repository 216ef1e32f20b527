package dev.gatehouse.metrics;

import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import io.javalin.Javalin;
import java.net.InetAddress;
import java.net.UnknownHostException;

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
            if (!allows(ctx.req().getRemoteAddr(), allowRemote)) {
                throw new ApiException(ErrorCode.NotFound, "no route matches this method and path");
            }
            ctx.status(200).contentType(Metrics.CONTENT_TYPE).result(metrics.scrape());
        });
    }

    /** Whether a client at {@code remoteAddress} (an IP literal, as the servlet reports it) may scrape. */
    static boolean allows(String remoteAddress, boolean allowRemote) {
        if (allowRemote) {
            return true;
        }
        if (remoteAddress == null || remoteAddress.isEmpty() || !isIpLiteral(remoteAddress)) {
            return false;  // never resolve a name: only the socket's own address counts
        }
        try {
            return InetAddress.getByName(remoteAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String address) {
        return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '[' || c == ']');
    }
}
