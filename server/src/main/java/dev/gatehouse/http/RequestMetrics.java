package dev.gatehouse.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times every request as {@code http.server.requests}, tagged by method, route template, status and
 * error code. The route is the template Javalin matched ({@code .../app/{appId}/...}), never the raw
 * path: raw paths carry app ids and tokens, and would make one time series per URL.
 */
final class RequestMetrics {
    static final String ERROR_CODE_ATTRIBUTE = "gatehouse.errorCode";
    /** The route tag of requests no route matched (scanners probing paths must not add series). */
    static final String UNMATCHED = "NOT_FOUND";

    private final Meter.MeterProvider<Timer> timers;

    RequestMetrics(MeterRegistry meters) {
        this.timers = Timer.builder("http.server.requests")
                .description("HTTP requests by method, route template, status and error code")
                .publishPercentileHistogram()
                .withRegistry(meters);
    }

    void record(Context ctx, float executionTimeMs) {
        Object code = ctx.attribute(ERROR_CODE_ATTRIBUTE);
        timers.withTags("method", ctx.method().name(), "route", route(ctx), "status", Integer.toString(ctx.statusCode()),
                        "error_code", code == null ? "none" : code.toString())
                .record((long) (executionTimeMs * 1_000_000.0), TimeUnit.NANOSECONDS);
    }

    private static String route(Context ctx) {
        String path;
        try {
            path = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            path = null;  // no endpoint handler ran
        }
        return path == null || path.isEmpty() ? UNMATCHED : path;
    }
}
