package dev.gatehouse.bench;

import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.function.FunctionCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Where the time of one JavaScript call goes. Re-enacts, with the public polyglot API and the
 * server's own prelude ({@code /function/prelude.js} from the server jar), the steps that the
 * server's {@code JsRuntime.execute} takes for each call, on the caller's thread, adding one step
 * per variant; and, as a prototype that the server does not have, one context per thread created
 * once and reused for every call. The engine and context are built with the server's options
 * (CONSTRAINED sandbox, output discarded, statement limit). Variant F is the rest of what the server
 * adds per call without running any JavaScript: the hop to the runner pool and the watchdog.
 *
 * <p>This is a measurement, not the server's code: when {@code JsRuntime} changes, this must follow.
 */
final class JsCallAnatomy {
    private final FunctionSettings settings;
    private final Engine engine;
    /** A second engine, used only by variant G's pool threads (an engine used from several threads may behave differently). */
    private final Engine poolEngine;
    private final ResourceLimits limits;
    private final Source prelude;
    private final Source trivial;
    private final Source work;
    private final String valuesJson;
    private final List<FunctionCall> calls;

    JsCallAnatomy(FunctionSettings settings, String trivialJs, String workJs, String valuesJson, List<FunctionCall> calls) {
        this.settings = settings;
        this.engine = newEngine();
        this.poolEngine = newEngine();
        this.limits = ResourceLimits.newBuilder().statementLimit(settings.statementLimit(), null).build();
        this.prelude = Source.newBuilder("js", resource("/function/prelude.js"), "gatehouse-prelude.js").cached(true)
                .buildLiteral();
        this.trivial = Source.newBuilder("js", trivialJs, "confirmFunc.js").cached(true).buildLiteral();
        this.work = Source.newBuilder("js", workJs, "confirmFunc.js").cached(true).buildLiteral();
        this.valuesJson = valuesJson;
        this.calls = calls;
    }

    /** The variants, each warmed up, then measured in interleaved rounds. */
    Result measure(int warmup, int n, int rounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(),
                r -> Thread.ofPlatform().name("anatomy-js").daemon(true).unstarted(r));
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("anatomy-watchdog").daemon(true).unstarted(r));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        Reused reusedTrivial = new Reused(trivial);
        Reused reusedWork = new Reused(work);
        AtomicInteger next = new AtomicInteger();
        Map<String, LongSupplier> variants = new LinkedHashMap<>();
        variants.put("A", () -> time(() -> newContext().close(true)));
        variants.put("B", () -> time(() -> fresh(null, null)));
        variants.put("C", () -> time(() -> fresh(trivial, null)));
        variants.put("D", () -> time(() -> fresh(trivial, calls.get(next.getAndIncrement() % calls.size()))));
        variants.put("Dw", () -> time(() -> fresh(work, calls.get(next.getAndIncrement() % calls.size()))));
        variants.put("E", () -> time(() -> reusedTrivial.call(calls.get(next.getAndIncrement() % calls.size()))));
        variants.put("Ew", () -> time(() -> reusedWork.call(calls.get(next.getAndIncrement() % calls.size()))));
        variants.put("F", () -> time(() -> {
            // JsRuntime.submit and execute, minus the context: pool hop, allocation meter, watchdog.
            Future<?> f = pool.submit(() -> {
                long thread = Thread.currentThread().threadId();
                long allocated = threads.getThreadAllocatedBytes(thread);
                ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
                    if (threads.getThreadAllocatedBytes(thread) - allocated > settings.maxAllocatedBytes()) {
                        throw new IllegalStateException();
                    }
                }, 10, 10, TimeUnit.MILLISECONDS);
                guard.cancel(false);
                return null;
            });
            try {
                f.get(settings.timeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        variants.put("G", () -> time(() -> {
            FunctionCall call = calls.get(next.getAndIncrement() % calls.size());
            try {
                pool.submit(() -> fresh(poolEngine, trivial, call)).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        try {
            for (LongSupplier v : variants.values()) {
                for (int i = 0; i < warmup; i++) {
                    v.getAsLong();
                }
            }
            Map<String, long[]> samples = new LinkedHashMap<>();
            variants.keySet().forEach(k -> samples.put(k, new long[n]));
            int per = n / rounds;
            long[] gcBefore = FunctionCost.gc();
            for (int round = 0; round < rounds; round++) {
                int from = round * per;
                int to = round == rounds - 1 ? n : from + per;
                for (Map.Entry<String, LongSupplier> v : variants.entrySet()) {
                    long[] s = samples.get(v.getKey());
                    for (int i = from; i < to; i++) {
                        s[i] = v.getValue().getAsLong();
                    }
                }
            }
            long[] gcAfter = FunctionCost.gc();
            return new Result(n, samples, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
        } finally {
            reusedTrivial.close();
            reusedWork.close();
            pool.shutdownNow();
            watchdog.shutdownNow();
            engine.close(true);
            poolEngine.close(true);
        }
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private static Engine newEngine() {
        return Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
    }

    private Context newContext() {
        return newContext(engine);
    }

    private Context newContext(Engine on) {
        return Context.newBuilder("js")
                .engine(on)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .resourceLimits(limits)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .build();
    }

    /** The server's steps for one call in a fresh context, up to {@code source} and {@code call} when not null. */
    private void fresh(Source source, FunctionCall call) {
        fresh(engine, source, call);
    }

    private void fresh(Engine on, Source source, FunctionCall call) {
        Context context = newContext(on);
        try {
            Value helpers = context.eval(prelude).execute(host());
            if (source != null) {
                context.eval(source);
                Value exported = helpers.invokeMember("exported");
                if (call != null) {
                    invoke(helpers, exported, call);
                }
            }
        } finally {
            context.close(true);
        }
    }

    /** The prototype: one context, prelude and function evaluated once; each call only builds arguments and calls. */
    private final class Reused implements AutoCloseable {
        private final Context context;
        private final Value helpers;
        private final Value exported;

        Reused(Source source) {
            context = newContext();
            helpers = context.eval(prelude).execute(host());
            context.eval(source);
            exported = helpers.invokeMember("exported");
        }

        void call(FunctionCall call) {
            // The statement limit counts per context: reset it so that it stays a per-call limit.
            context.resetLimits();
            invoke(helpers, exported, call);
        }

        @Override
        public void close() {
            context.close(true);
        }
    }

    /** As JsRuntime.invoke with JsValues.arguments, for the confirmation's string-only first argument. */
    private static void invoke(Value helpers, Value exported, FunctionCall call) {
        Value first = helpers.invokeMember("object");
        helpers.invokeMember("set", first, "username", call.username());
        helpers.invokeMember("set", first, "token", call.token());
        helpers.invokeMember("set", first, "tokenId", call.tokenId());
        Value arguments = helpers.invokeMember("array");
        helpers.invokeMember("push", arguments, first);
        Object[] settled = new Object[2];
        helpers.invokeMember("invoke", exported, arguments, (ProxyExecutable) result -> {
            settled[0] = result[0].asBoolean();
            settled[1] = result[1].isNull() ? null : result[1].asString();
            return null;
        });
        if (!Boolean.TRUE.equals(settled[0]) || !"success".equals(settled[1])) {
            throw new IllegalStateException("the function did not answer success: " + settled[1]);
        }
    }

    /** The host object of JsRuntime.host: console, http (refused here), values, environment. */
    private ProxyObject host() {
        ProxyExecutable log = args -> null;
        ProxyExecutable http = args -> "{\"error\":\"not in this benchmark\"}";
        return ProxyObject.fromMap(Map.of("log", log, "http", http, "values", valuesJson,
                "environment", "{\"tag\":\"\",\"values\":{}}"));
    }

    private static String resource(String path) {
        try (InputStream in = JsCallAnatomy.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path + " (it comes from the server jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    record Result(int n, Map<String, long[]> samples, long gcCount, long gcMillis) {
        private double p50(String k) {
            return FunctionCost.percentile(samples.get(k), 0.5) / 1e3;
        }

        private double mean(String k) {
            return FunctionCost.mean(samples.get(k)) / 1e3;
        }

        /** Prints the steps, and compares with Functions.run as measured in part 2 when given. */
        void print(long[] runTrivial, long[] runWork) {
            System.out.printf(Locale.ROOT, "4. Anatomy of a JavaScript call, trivial function unless noted (µs, %d calls each, "
                    + "caller thread, server's engine options)%n", n);
            System.out.printf(Locale.ROOT, "   %-62s %9s %9s%n", "variant (cumulative)", "p50", "mean");
            String[][] rows = {
                    {"A", "A  new Context + close"},
                    {"B", "B  A + prelude eval + install(host)"},
                    {"C", "C  B + function source eval + exported()"},
                    {"D", "D  C + arguments + invoke = a whole fresh-context call"},
                    {"Dw", "Dw the same, realistic-work function"},
                    {"E", "E  reused context per thread: resetLimits + arguments + invoke"},
                    {"Ew", "Ew the same, realistic-work function"},
                    {"F", "F  pool hop + allocation meter + watchdog, no JavaScript"},
                    {"G", "G  D submitted to a runner pool (own engine), no watchdog"},
            };
            for (String[] r : rows) {
                System.out.printf(Locale.ROOT, "   %-62s %9.1f %9.1f%n", r[1], p50(r[0]), mean(r[0]));
            }
            System.out.printf(Locale.ROOT, "   GC during these calls: %d collections, %d ms in all%n", gcCount, gcMillis);
            // Medians: each variant allocates a whole context, so its mean carries the GC pauses of the
            // run (and this machine's noise) unevenly; steps are differences of medians and can come out
            // slightly negative where a step is smaller than the noise.
            double a = p50("A");
            double b = p50("B");
            double c = p50("C");
            double d = p50("D");
            System.out.printf(Locale.ROOT, "   steps of D (p50 differences): context %.1f (%.0f%%), prelude %.1f (%.0f%%), "
                            + "source %.1f (%.0f%%), arguments+call %.1f (%.0f%%)%n",
                    a, 100 * a / d, b - a, 100 * (b - a) / d, c - b, 100 * (c - b) / d, d - c, 100 * (d - c) / d);
            System.out.printf(Locale.ROOT, "   per-call setup a reused context would avoid (D - E, p50): %.1f µs of %.1f (%.0f%%)%n",
                    d - p50("E"), d, 100 * (d - p50("E")) / d);
            if (runTrivial != null) {
                double runT = FunctionCost.percentile(runTrivial, 0.5) / 1e3;
                double runW = FunctionCost.percentile(runWork, 0.5) / 1e3;
                System.out.printf(Locale.ROOT, "   Functions.run as measured in part 2 (p50): trivial %.1f, work %.1f; "
                        + "D + F = %.1f, Dw + F = %.1f%n", runT, runW, d + p50("F"), p50("Dw") + p50("F"));
                System.out.printf(Locale.ROOT, "   estimate with a cached context per thread (E + F, p50): trivial %.1f µs "
                                + "(%.1fx less than Functions.run), work %.1f µs (%.1fx less)%n",
                        p50("E") + p50("F"), runT / (p50("E") + p50("F")), p50("Ew") + p50("F"),
                        runW / (p50("Ew") + p50("F")));
            }
        }
    }
}
