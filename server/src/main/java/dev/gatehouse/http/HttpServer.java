package dev.gatehouse.http;

import dev.gatehouse.token.Ids;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Javalin instance with Gatehouse's cross-cutting behaviour: request ids, the body limit,
 * CORS, the error mapping, and request metrics. Feature route classes register their routes on {@link #javalin()}
 * before {@link #start}.
 */
public final class HttpServer {
    /** Pending connections the listen socket holds (the OS may cap it: net.core.somaxconn). */
    private static final int ACCEPT_QUEUE = 1024;
    private final Javalin javalin;
    private final LongAdder served = new LongAdder();

    /** A server that records no metrics (tests that only look at the wire). */
    public HttpServer(long maxRequestBytes, PublicUrl publicUrl, Ids ids) {
        this(maxRequestBytes, publicUrl, ids, new CompositeMeterRegistry());
    }

    public HttpServer(long maxRequestBytes, PublicUrl publicUrl, Ids ids, MeterRegistry meters) {
        this(maxRequestBytes, publicUrl, ids, meters, OriginPolicy.ANY);
    }

    /** A server whose client API answers browsers only from the origins {@code origins} allows. */
    public HttpServer(long maxRequestBytes, PublicUrl publicUrl, Ids ids, MeterRegistry meters, OriginPolicy origins) {
        RequestMetrics requestMetrics = new RequestMetrics(meters);
        this.javalin = Javalin.create(config -> {
            // The request logger runs after every request, matched or not, errors included.
            config.requestLogger.http((ctx, ms) -> {
                served.increment();
                requestMetrics.record(ctx, ms);
            });
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.http.maxRequestSize = maxRequestBytes;
            config.router.ignoreTrailingSlashes = true;
            // Requests Jetty refuses before routing still get a JSON error body.
            ProtocolErrors protocolErrors = new ProtocolErrors(publicUrl, ids);
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(protocolErrors);
                // A burst of new connections (200 clients at once in the reliability suite) overflowed
                // the JDK's default listen backlog of 50 and got connection resets; Javalin adds its
                // connector after this hook, so the size is set as the server starts.
                server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                        for (var connector : server.getConnectors()) {
                            if (connector instanceof org.eclipse.jetty.server.ServerConnector c) {
                                c.setAcceptQueueSize(ACCEPT_QUEUE);
                            }
                        }
                    }
                });
            });
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(protocolErrors));
        });
        javalin.before(ctx -> {
            ctx.attribute(RequestIds.ATTRIBUTE, ids.objectId());
            ctx.attribute(PublicUrl.ATTRIBUTE, publicUrl.orEmpty());
            ctx.attribute(Requests.MAX_BYTES_ATTRIBUTE, maxRequestBytes);
            Requests.refuseNulInQuery(ctx);
            Requests.refuseOversizedBody(ctx, maxRequestBytes);
        });
        Cors.install(javalin, origins);
        ErrorResponses.install(javalin);
    }

    public Javalin javalin() {
        return javalin;
    }

    /** Requests answered so far, errors included (what tells the server it is idle). */
    public long served() {
        return served.sum();
    }

    /** Binds and returns the port (useful when 0 asked for a free one). */
    public int start(String host, int port) {
        javalin.start(host, port);
        return javalin.port();
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        javalin.stop();
    }
}
