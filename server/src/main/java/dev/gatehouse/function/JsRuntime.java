package dev.gatehouse.function;

import dev.gatehouse.config.FunctionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs exported App Services JavaScript functions with GraalJS, sandboxed.
 *
 * <p>One {@link Engine} is shared by every call so that parsed sources are cached; each call gets a
 * fresh {@link Context} (nothing leaks from one call to the next) under the CONSTRAINED sandbox
 * policy: no host classes, no file system, no processes, no threads, no native code, output
 * captured. On top of that, each call has a statement limit (enforced by the engine), a wall-clock
 * limit and an allocation limit; the last two are watched every 10 ms by a watchdog that cancels
 * the context. Allocation is measured per thread, so calls run on a fixed pool of platform threads,
 * which also bounds how many run (and how much memory they hold) at once. Thread-safe.
 */
final class JsRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsRuntime.class);
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(10);
    /**
     * Time allowed to compile at start-up. The first context of a cold engine takes seconds on a
     * busy machine (class loading, the JavaScript realm's set-up), which says nothing about the
     * function, so the call timeout does not apply there.
     */
    private static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(60);

    private final FunctionSettings settings;
    private final FunctionHttp http;
    private final Engine engine;
    private final ResourceLimits limits;
    private final Source prelude;
    private final ExecutorService runners;
    private final ScheduledExecutorService watchdog;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    JsRuntime(FunctionSettings settings, FunctionHttp http) {
        this.settings = settings;
        this.http = http;
        this.engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                // Stock JDKs run GraalJS in its interpreter, which is fast enough for these small
                // functions; the warning would only repeat that on every start.
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.limits = ResourceLimits.newBuilder().statementLimit(settings.statementLimit(), null).build();
        this.prelude = Source.newBuilder("js", resource("/function/prelude.js"), "gatehouse-prelude.js").cached(true)
                .buildLiteral();
        AtomicInteger n = new AtomicInteger();
        this.runners = Executors.newFixedThreadPool(settings.concurrency(),
                r -> Thread.ofPlatform().name("gatehouse-js-" + n.incrementAndGet()).daemon(true).unstarted(r));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("gatehouse-js-watchdog").daemon(true).unstarted(r));
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /**
     * Parses and evaluates a function's source once (its top level only, nothing is called), so that
     * a syntax error or a source that assigns no function is found at start-up.
     */
    JsFunction compile(String appId, String name, String code, String valuesJson, String environmentJson)
            throws FunctionFailure {
        Source source = Source.newBuilder("js", code, name + ".js").cached(true).buildLiteral();
        JsFunction function = new JsFunction(appId, name, source, valuesJson, environmentJson);
        submit(function, null, settings.timeout().compareTo(COMPILE_TIMEOUT) > 0 ? settings.timeout() : COMPILE_TIMEOUT);
        return function;
    }

    /** Calls the function; its status, or a failure saying why there is none. */
    FunctionStatus run(JsFunction function, FunctionCall call) throws FunctionFailure {
        return submit(function, call, settings.timeout());
    }

    private FunctionStatus submit(JsFunction function, FunctionCall call, Duration timeout) throws FunctionFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        Future<FunctionStatus> result = runners.submit(() -> execute(function, call, deadline, timeout));
        try {
            // The watchdog stops the call at the deadline; the grace covers a context that is slow to
            // notice (it is stuck in a host call such as context.http, which has its own deadline).
            return result.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FunctionFailure failure) {
                throw failure;
            }
            throw new FunctionFailure("failed in the runtime: " + e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new FunctionFailure("timed out after " + timeout.toMillis() + "ms");
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FunctionFailure("interrupted while waiting for the function");
        }
    }

    /** Runs on a pool thread: evaluates the source and, given a call, calls the exported function. */
    private FunctionStatus execute(JsFunction function, FunctionCall call, long deadline, Duration timeout)
            throws FunctionFailure {
        if (System.nanoTime() > deadline) {
            throw new FunctionFailure("waited " + timeout.toMillis() + "ms for a free JavaScript runner");
        }
        long thread = Thread.currentThread().threadId();
        long allocatedAtStart = threads.getThreadAllocatedBytes(thread);
        AtomicReference<String> stopped = new AtomicReference<>();
        Context context = Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .resourceLimits(limits)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .build();
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            String reason = null;
            if (System.nanoTime() > deadline) {
                reason = "timed out after " + timeout.toMillis() + "ms";
            } else if (threads.getThreadAllocatedBytes(thread) - allocatedAtStart > settings.maxAllocatedBytes()) {
                reason = "allocated more than " + settings.maxAllocatedBytes() + " bytes";
            }
            if (reason != null && stopped.compareAndSet(null, reason)) {
                context.close(true);
            }
        }, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            Value helpers = context.eval(prelude).execute(host(function, deadline));
            context.eval(function.source());
            Value exported = helpers.invokeMember("exported");
            return call == null ? null : invoke(helpers, exported, call);
        } catch (PolyglotException e) {
            if (stopped.get() != null) {
                throw new FunctionFailure(stopped.get());
            }
            if (e.isResourceExhausted()) {
                throw new FunctionFailure("ran more than " + settings.statementLimit() + " statements");
            }
            if (e.isSyntaxError()) {
                throw new FunctionFailure("has a syntax error: " + e.getMessage()
                        + (e.getSourceLocation() != null ? " (line " + e.getSourceLocation().getStartLine() + ")" : ""));
            }
            throw new FunctionFailure("threw " + e.getMessage());
        } catch (IllegalStateException e) {
            // The watchdog closed the context between two steps above.
            throw new FunctionFailure(stopped.get() != null ? stopped.get() : "was stopped: " + e.getMessage());
        } finally {
            guard.cancel(false);
            context.close(true);
        }
    }

    private static FunctionStatus invoke(Value helpers, Value exported, FunctionCall call) throws FunctionFailure {
        Value arguments = new JsValues(helpers).arguments(call);
        Object[] settled = new Object[3];
        helpers.invokeMember("invoke", exported, arguments, (ProxyExecutable) result -> {
            settled[0] = result[0].asBoolean();
            settled[1] = result[1].isNull() ? null : result[1].asString();
            settled[2] = result[2].asString();
            return null;
        });
        if (settled[0] == null) {
            throw new FunctionFailure("returned a promise that never settled");
        }
        String description = truncate((String) settled[2]);
        if (!(Boolean) settled[0]) {
            throw new FunctionFailure("threw " + description);
        }
        return FunctionStatus.parse((String) settled[1]).orElseThrow(() -> new FunctionFailure("returned "
                + description + " instead of {status: 'success' | 'pending' | 'fail'}"));
    }

    /** The only door out of the sandbox: console lines, context.http, and the app's values as JSON. */
    private ProxyObject host(JsFunction function, long deadline) {
        Logger console = LoggerFactory.getLogger("dev.gatehouse.function.console");
        AtomicInteger lines = new AtomicInteger();
        ProxyExecutable logLine = args -> {
            // Bounded, so that a chatty function cannot flood the server log.
            if (lines.incrementAndGet() <= 100) {
                String level = args[0].asString();
                String text = truncate(args[1].asString());
                String prefix = "[" + function.appId() + "/" + function.name() + "] ";
                switch (level) {
                    case "error" -> console.error("{}{}", prefix, text);
                    case "warn" -> console.warn("{}{}", prefix, text);
                    case "debug" -> console.debug("{}{}", prefix, text);
                    default -> console.info("{}{}", prefix, text);
                }
            }
            return null;
        };
        ProxyExecutable request = args -> http.request(args[0].asString(), args[1].asString(), deadline);
        return ProxyObject.fromMap(Map.of(
                "log", logLine,
                "http", request,
                "values", function.valuesJson(),
                "environment", function.environmentJson()));
    }

    private static String truncate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }

    private static String resource(String path) {
        try (InputStream in = JsRuntime.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    @Override
    public void close() {
        runners.shutdownNow();
        watchdog.shutdownNow();
        try {
            runners.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close(true);
        log.debug("JavaScript function runtime closed");
    }

    /** A compiled function: its source (cached by the shared engine) and what its context offers. */
    record JsFunction(String appId, String name, Source source, String valuesJson, String environmentJson) {}
}
