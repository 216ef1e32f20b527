package dev.gatehouse.bench;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.AppExportLoader;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.function.FunctionCall;
import dev.gatehouse.function.FunctionStatus;
import dev.gatehouse.function.Functions;
import dev.gatehouse.function.JavaFunctions;
import dev.gatehouse.token.Ids;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What confirmation/reset functions cost, against a Java function measured in the same run (these
 * machines are noisy, so only ratios within one run mean much):
 *
 * <ol>
 *   <li><b>start-up</b>: {@link Functions#load} of an app with one JavaScript function against the
 *       same app naming a Java function; cold (the first load in a fresh JVM: child JVMs, plus the
 *       first loads of this JVM) and repeated (many loads in this JVM);</li>
 *   <li><b>per call, warm</b>: {@link Functions#run} of a trivial JavaScript function, a JavaScript
 *       function doing some realistic work, a webhook to a local HTTP server, and the Java function,
 *       one caller, in interleaved rounds: p50, p99, mean;</li>
 *   <li><b>throughput</b>: calls per second with 1 and 4 concurrent callers;</li>
 *   <li><b>anatomy</b> of a JavaScript call ({@link JsCallAnatomy}): how much of it is creating the
 *       fresh {@code Context}, and what one reused context per thread would cost instead.</li>
 * </ol>
 *
 * Options: {@code --warmup 10000} calls per kind, {@code --n 3000} measured calls per kind,
 * {@code --rounds 5}, {@code --loads 20} repeated loads per kind, {@code --cold 3} child JVMs per kind,
 * {@code --seconds 2.5} per throughput run, {@code --threads 1,4}, {@code --anatomy-n 3000} calls per
 * anatomy variant ({@code 0} skips it), {@code --only startup,call,throughput,anatomy}.
 */
public final class FunctionCost {
    static final String JS_APP = "js-app";
    static final String WORK_APP = "work-app";
    static final String HOOK_APP = "hook-app";
    static final String JAVA_APP = "java-app";
    static final String FUNCTION = "confirmFunc";
    static final String JAVA_FUNCTION = "javaConfirm";
    static final String SECRET = "whsec_" + Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String PROVIDER = "{\"autoConfirm\":false,\"runConfirmationFunction\":true,"
            + "\"confirmationFunctionName\":\"%s\",\"emailConfirmationUrl\":\"https://app.example.com/confirm\"}";

    /** The smallest function App Services accepts: every call succeeds. */
    static final String TRIVIAL_JS = "exports = ({username, token, tokenId}) => ({status: 'success'});\n";

    /**
     * A function as an app might write one: normalise and check the address with regexes, look up a
     * value, build a record, decide. Every benchmark user ends up in "success".
     */
    static final String WORK_JS = """
            exports = function ({ username, token, tokenId }) {
              const email = String(username).trim().toLowerCase();
              const at = email.lastIndexOf('@');
              if (at < 1 || at === email.length - 1) return { status: 'fail' };
              const local = email.slice(0, at);
              const domain = email.slice(at + 1);
              if (!/^[a-z0-9.!#$%&'*+\\/=?^_`{|}~-]+$/.test(local)) return { status: 'fail' };
              if (!/^([a-z0-9-]+\\.)+[a-z]{2,}$/.test(domain)) return { status: 'fail' };
              if (['mailinator.com', 'tempmail.dev', 'yopmail.com'].includes(domain)) return { status: 'fail' };
              if (!/^[0-9a-f]{24}$/.test(tokenId) || token.length < 32) return { status: 'fail' };
              const trusted = context.values.get('trustedDomains') || [];
              const record = {
                email,
                domain,
                tags: local.split(/[.+_-]/).filter(Boolean).map((t) => t.toUpperCase()),
                tokenId,
                createdAt: new Date(parseInt(tokenId.substring(0, 8), 16) * 1000).toISOString(),
                trusted: trusted.some((d) => domain === d || domain.endsWith('.' + d)),
              };
              const summary = JSON.stringify(record);
              if (summary.length > 4096) return { status: 'fail' };
              return { status: record.trusted ? 'success' : 'pending' };
            };
            """;

    private FunctionCost() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--cold-probe")) {
            coldProbe(args[1], Path.of(args[2]));
            return;
        }
        Options o = Options.parse(args);
        Path work = Files.createTempDirectory("gatehouse-fn-bench");
        try (WebhookSink sink = new WebhookSink()) {
            new Run(o, work, sink).run();
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------

    record Options(int warmup, int n, int rounds, int loads, int cold, double seconds, List<Integer> threads,
                   int anatomyN, List<String> only) {
        static Options parse(String[] args) {
            int warmup = 10000;
            int n = 3000;
            int rounds = 5;
            int loads = 20;
            int cold = 3;
            double seconds = 2.5;
            List<Integer> threads = List.of(1, 4);
            int anatomyN = 3000;
            List<String> only = List.of("startup", "call", "throughput", "anatomy");
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    usage();
                }
                switch (args[i]) {
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--n" -> n = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--loads" -> loads = Integer.parseInt(value);
                    case "--cold" -> cold = Integer.parseInt(value);
                    case "--seconds" -> seconds = Double.parseDouble(value);
                    case "--threads" -> threads = Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
                    case "--anatomy-n" -> anatomyN = Integer.parseInt(value);
                    case "--only" -> only = List.of(value.split(","));
                    default -> usage();
                }
                i++;
            }
            if (n < rounds || rounds < 1 || loads < 1 || threads.isEmpty()) {
                usage();
            }
            return new Options(warmup, n, rounds, loads, cold, seconds, threads, anatomyN, only);
        }

        private static void usage() {
            System.err.println("usage: run-functions [--warmup 10000] [--n 3000] [--rounds 5] [--loads 20] [--cold 3] "
                    + "[--seconds 2.5] [--threads 1,4] [--anatomy-n 3000] [--only startup,call,throughput,anatomy]");
            System.exit(2);
        }
    }

    /** One kind of function under test: its app and the name its provider runs. */
    record Kind(String label, String app, String function) {}

    static final Kind JAVA = new Kind("java function (baseline)", JAVA_APP, JAVA_FUNCTION);
    static final Kind JS = new Kind("js trivial", JS_APP, FUNCTION);
    static final Kind WORK = new Kind("js realistic work", WORK_APP, FUNCTION);
    static final Kind HOOK = new Kind("webhook (local HTTP)", HOOK_APP, FUNCTION);

    // ---------------------------------------------------------------------------------------------

    private static final class Run {
        private final Options o;
        private final Path work;
        private final WebhookSink sink;
        private final Clock clock = Clock.systemUTC();
        private final Ids ids = new Ids(clock, new SecureRandom());
        private final JavaFunctions java = JavaFunctions.none().with(JAVA_FUNCTION, call -> FunctionStatus.SUCCESS);
        private final FunctionSettings settings = FunctionSettings.defaults().withSecrets(Map.of("hookSecret", SECRET));
        private final Map<String, AppConfig> apps = new LinkedHashMap<>();
        private final List<FunctionCall> calls = new ArrayList<>();
        private long[] perCallGc = {0, 0};

        Run(Options o, Path work, WebhookSink sink) {
            this.o = o;
            this.work = work;
            this.sink = sink;
        }

        void run() throws Exception {
            System.out.printf(Locale.ROOT, "Function cost: %d CPU(s), %s %s, %s; JS runner pool %d thread(s), timeout %d ms%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    settings.concurrency(), settings.timeout().toMillis());
            for (Kind kind : List.of(JAVA, JS, WORK, HOOK)) {
                Path dir = writeExport(work, kind.app(), sink.url());
                List<String> problems = new ArrayList<>();
                AppConfig app = new AppExportLoader(java.names()).load(dir, problems);
                if (app == null || !problems.isEmpty()) {
                    throw new IllegalStateException("export " + dir + ": " + problems);
                }
                apps.put(kind.app(), app);
            }
            for (int i = 0; i < 64; i++) {
                calls.add(FunctionCall.confirmation("bench", FUNCTION, "first.last+" + i + "@mail.example.com",
                        ids.userToken(), ids.objectId()));
            }

            Startup startup = o.only().contains("startup") ? startup() : null;
            Map<Kind, long[]> perCall = new LinkedHashMap<>();
            Map<Kind, Map<Integer, Double>> throughput = new LinkedHashMap<>();
            if (o.only().contains("call") || o.only().contains("throughput")) {
                try (Functions functions = load(List.of(JAVA, JS, WORK, HOOK))) {
                    warmUp(functions);
                    if (o.only().contains("call")) {
                        perCall = perCall(functions);
                    }
                    if (o.only().contains("throughput")) {
                        throughput = throughput(functions);
                    }
                }
            }
            JsCallAnatomy.Result anatomy = null;
            if (o.only().contains("anatomy") && o.anatomyN() > 0) {
                System.out.println("anatomy of a JavaScript call (caller thread, no pool)...");
                anatomy = new JsCallAnatomy(settings, TRIVIAL_JS, WORK_JS, "{\"trustedDomains\":[\"example.com\"]}",
                        calls).measure(o.anatomyN() / 2, o.anatomyN(), o.rounds());
            }
            report(startup, perCall, throughput, anatomy);
        }

        private Functions load(List<Kind> kinds) {
            List<String> problems = new ArrayList<>();
            List<AppConfig> selected = kinds.stream().map(k -> apps.get(k.app())).toList();
            Functions functions = Functions.load(selected, java, settings, clock, ids, problems);
            if (!problems.isEmpty()) {
                functions.close();
                throw new IllegalStateException("Functions.load: " + problems);
            }
            return functions;
        }

        // -- 1. start-up ---------------------------------------------------------------------------

        record Startup(long javaFirst, long jsFirst, long jsFirstCall, List<long[]> javaCold, List<long[]> jsCold,
                       long[] javaLoads, long[] jsLoads, long[] javaCloses, long[] jsCloses) {}

        private Startup startup() throws Exception {
            System.out.println("start-up...");
            // This JVM's first loads: Java first (it pays for the classes both share: Functions, the
            // HTTP client, the thread pools), then JavaScript (the engine, Truffle, GraalJS).
            long t0 = System.nanoTime();
            Functions f = load(List.of(JAVA));
            long javaFirst = System.nanoTime() - t0;
            f.close();
            t0 = System.nanoTime();
            f = load(List.of(JS));
            long jsFirst = System.nanoTime() - t0;
            t0 = System.nanoTime();
            check(f.run(apps.get(JS_APP), FUNCTION, calls.get(0)));
            long jsFirstCall = System.nanoTime() - t0;
            f.close();
            System.out.printf(Locale.ROOT, "  this JVM's first loads: java %.1f ms, javascript %.1f ms (then first call %.1f ms)%n",
                    javaFirst / 1e6, jsFirst / 1e6, jsFirstCall / 1e6);

            // Fresh JVMs, alternating, each loading one kind once: the cold start a server pays.
            List<long[]> javaCold = new ArrayList<>();
            List<long[]> jsCold = new ArrayList<>();
            for (int i = 0; i < o.cold(); i++) {
                javaCold.add(child(JAVA_APP));
                jsCold.add(child(JS_APP));
            }

            // Repeated loads in this (now warm) JVM, alternating kinds.
            long[] javaLoads = new long[o.loads()];
            long[] jsLoads = new long[o.loads()];
            long[] javaCloses = new long[o.loads()];
            long[] jsCloses = new long[o.loads()];
            for (int i = 0; i < o.loads(); i++) {
                for (Kind kind : List.of(JAVA, JS)) {
                    long start = System.nanoTime();
                    Functions functions = load(List.of(kind));
                    long loaded = System.nanoTime();
                    check(functions.run(apps.get(kind.app()), kind.function(), calls.get(i % calls.size())));
                    long ran = System.nanoTime();
                    functions.close();
                    long closed = System.nanoTime();
                    (kind == JAVA ? javaLoads : jsLoads)[i] = loaded - start;
                    (kind == JAVA ? javaCloses : jsCloses)[i] = closed - ran;
                }
            }
            return new Startup(javaFirst, jsFirst, jsFirstCall, javaCold, jsCold, javaLoads, jsLoads, javaCloses, jsCloses);
        }

        /** Runs {@code --cold-probe} in a fresh JVM with this JVM's options: {load, first call, JVM start to main} ns. */
        private long[] child(String app) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(FunctionCost.class.getName());
            command.add("--cold-probe");
            command.add(app);
            command.add(work.resolve(app).toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String result = null;
            StringBuilder all = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    all.append(line).append('\n');
                    if (line.startsWith("COLD ")) {
                        result = line;
                    }
                }
            }
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || result == null) {
                throw new IllegalStateException("cold probe for " + app + " failed:\n" + all);
            }
            String[] parts = result.split(" ");
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])};
        }

        // -- 2. per call ---------------------------------------------------------------------------

        private void warmUp(Functions functions) {
            System.out.printf(Locale.ROOT, "warm-up: %d calls per kind...%n", o.warmup());
            for (Kind kind : List.of(JAVA, JS, WORK, HOOK)) {
                long start = System.nanoTime();
                AppConfig app = apps.get(kind.app());
                for (int i = 0; i < o.warmup(); i++) {
                    check(functions.run(app, kind.function(), calls.get(i % calls.size())));
                }
                System.out.printf(Locale.ROOT, "  %-26s %.1f s%n", kind.label(), (System.nanoTime() - start) / 1e9);
            }
        }

        private Map<Kind, long[]> perCall(Functions functions) {
            System.out.printf(Locale.ROOT, "per call: %d calls per kind, one caller, in %d interleaved rounds...%n",
                    o.n(), o.rounds());
            List<Kind> kinds = List.of(JAVA, JS, WORK, HOOK);
            Map<Kind, long[]> samples = new LinkedHashMap<>();
            for (Kind kind : kinds) {
                samples.put(kind, new long[o.n()]);
            }
            int per = o.n() / o.rounds();
            long[] gcBefore = gc();
            for (int round = 0; round < o.rounds(); round++) {
                int from = round * per;
                int to = round == o.rounds() - 1 ? o.n() : from + per;
                for (Kind kind : kinds) {
                    AppConfig app = apps.get(kind.app());
                    long[] s = samples.get(kind);
                    for (int i = from; i < to; i++) {
                        FunctionCall call = calls.get(i % calls.size());
                        long start = System.nanoTime();
                        Functions.Outcome outcome = functions.run(app, kind.function(), call);
                        s[i] = System.nanoTime() - start;
                        check(outcome);
                    }
                }
            }
            long[] gcAfter = gc();
            perCallGc = new long[] {gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]};
            return samples;
        }

        // -- 3. throughput -------------------------------------------------------------------------

        private Map<Kind, Map<Integer, Double>> throughput(Functions functions) throws Exception {
            System.out.printf(Locale.ROOT, "throughput: %.1f s per run, callers %s...%n", o.seconds(), o.threads());
            Map<Kind, Map<Integer, Double>> result = new LinkedHashMap<>();
            for (int threads : o.threads()) {
                for (Kind kind : List.of(JAVA, JS, WORK, HOOK)) {
                    result.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(threads, callsPerSecond(functions, kind, threads));
                }
            }
            return result;
        }

        private double callsPerSecond(Functions functions, Kind kind, int threads) throws Exception {
            AppConfig app = apps.get(kind.app());
            AtomicLong done = new AtomicLong();
            AtomicInteger failures = new AtomicInteger();
            long runNanos = (long) (o.seconds() * 1e9);
            ExecutorService callers = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                long start = System.nanoTime();
                long end = start + runNanos;
                for (int t = 0; t < threads; t++) {
                    int offset = t;
                    futures.add(callers.submit(() -> {
                        int i = offset;
                        while (System.nanoTime() < end) {
                            if (functions.run(app, kind.function(), calls.get(i++ % calls.size())) != Functions.Outcome.SUCCESS) {
                                failures.incrementAndGet();
                            }
                            done.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                long elapsed = System.nanoTime() - start;
                if (failures.get() > 0) {
                    throw new IllegalStateException(failures.get() + " calls of " + kind.label() + " did not succeed");
                }
                double perSecond = done.get() / (elapsed / 1e9);
                System.out.printf(Locale.ROOT, "  %-26s %d caller(s): %8d calls = %10.0f calls/s%n", kind.label(), threads,
                        done.get(), perSecond);
                return perSecond;
            } finally {
                callers.shutdownNow();
            }
        }

        // -- report --------------------------------------------------------------------------------

        private void report(Startup s, Map<Kind, long[]> perCall, Map<Kind, Map<Integer, Double>> throughput,
                            JsCallAnatomy.Result anatomy) {
            System.out.println();
            if (s != null) {
                System.out.println("1. Start-up: Functions.load of one app with one function (ms; ratio = javascript / java)");
                System.out.printf(Locale.ROOT, "   %-52s %10s %10s %8s%n", "", "java", "javascript", "ratio");
                double javaCold = median(s.javaCold().stream().mapToLong(a -> a[0]).toArray()) / 1e6;
                double jsCold = median(s.jsCold().stream().mapToLong(a -> a[0]).toArray()) / 1e6;
                if (o.cold() > 0) {
                    row("cold: fresh JVM, load (median of " + o.cold() + " JVMs each)", javaCold, jsCold);
                    row("cold: fresh JVM, first call after the load",
                            median(s.javaCold().stream().mapToLong(a -> a[1]).toArray()) / 1e6,
                            median(s.jsCold().stream().mapToLong(a -> a[1]).toArray()) / 1e6);
                    System.out.printf(Locale.ROOT, "   %-52s %10s %10s%n", "  cold loads, each JVM",
                            String.join("/", s.javaCold().stream().map(a -> fmt(a[0] / 1e6)).toList()),
                            String.join("/", s.jsCold().stream().map(a -> fmt(a[0] / 1e6)).toList()));
                }
                row("this JVM's first load (java ran first)", s.javaFirst() / 1e6, s.jsFirst() / 1e6);
                row("repeated load, warm JVM: median of " + o.loads(), median(s.javaLoads()) / 1e6, median(s.jsLoads()) / 1e6);
                row("repeated load, warm JVM: mean", mean(s.javaLoads()) / 1e6, mean(s.jsLoads()) / 1e6);
                row("close(), median", median(s.javaCloses()) / 1e6, median(s.jsCloses()) / 1e6);
                System.out.println();
            }
            if (!perCall.isEmpty()) {
                long[] base = perCall.get(JAVA);
                double baseP50 = percentile(base, 0.50);
                double baseMean = mean(base);
                System.out.printf(Locale.ROOT, "2. Per call, warm, one caller: Functions.run, %d calls per kind (µs; ratio = kind / java)%n", o.n());
                System.out.printf(Locale.ROOT, "   %-26s %9s %9s %9s %9s %11s %11s%n", "kind", "p50", "p90", "p99", "mean",
                        "ratio p50", "ratio mean");
                for (Map.Entry<Kind, long[]> e : perCall.entrySet()) {
                    long[] v = e.getValue();
                    System.out.printf(Locale.ROOT, "   %-26s %9.1f %9.1f %9.1f %9.1f %11.1f %11.1f%n", e.getKey().label(),
                            percentile(v, 0.50) / 1e3, percentile(v, 0.90) / 1e3, percentile(v, 0.99) / 1e3, mean(v) / 1e3,
                            percentile(v, 0.50) / baseP50, mean(v) / baseMean);
                }
                System.out.printf(Locale.ROOT, "   GC during these calls: %d collections, %d ms in all; webhook sink answered %d requests%n",
                        perCallGc[0], perCallGc[1], sink.requests());
                System.out.println();
            }
            if (!throughput.isEmpty()) {
                System.out.printf(Locale.ROOT, "3. Throughput: calls/s with concurrent callers, %.1f s per run (JS runner pool: %d threads)%n",
                        o.seconds(), settings.concurrency());
                StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "   %-26s", "kind"));
                for (int t : o.threads()) {
                    header.append(String.format(Locale.ROOT, " %11s %9s", t + " caller(s)", "vs java"));
                }
                if (o.threads().size() > 1) {
                    header.append(String.format(Locale.ROOT, " %10s", "scaling"));
                }
                System.out.println(header);
                Map<Integer, Double> base = throughput.get(JAVA);
                for (Map.Entry<Kind, Map<Integer, Double>> e : throughput.entrySet()) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "   %-26s", e.getKey().label()));
                    for (int t : o.threads()) {
                        double v = e.getValue().get(t);
                        line.append(String.format(Locale.ROOT, " %11.0f %9.3f", v, v / base.get(t)));
                    }
                    if (o.threads().size() > 1) {
                        line.append(String.format(Locale.ROOT, " %9.2fx", e.getValue().get(o.threads().getLast())
                                / e.getValue().get(o.threads().getFirst())));
                    }
                    System.out.println(line);
                }
                System.out.println();
            }
            if (anatomy != null) {
                anatomy.print(perCall.isEmpty() ? null : perCall.get(JS), perCall.isEmpty() ? null : perCall.get(WORK));
            }
        }

        private static void row(String label, double java, double js) {
            System.out.printf(Locale.ROOT, "   %-52s %10.1f %10.1f %8.1f%n", label, java, js, js / java);
        }

        private static String fmt(double ms) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** In a fresh JVM: load the one app, time the load and the first call, print one line, exit. */
    private static void coldProbe(String appId, Path dir) {
        long jvmToMain = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        Clock clock = Clock.systemUTC();
        Ids ids = new Ids(clock, new SecureRandom());
        JavaFunctions java = JavaFunctions.none().with(JAVA_FUNCTION, call -> FunctionStatus.SUCCESS);
        List<String> problems = new ArrayList<>();
        AppConfig app = new AppExportLoader(java.names()).load(dir, problems);
        if (app == null || !problems.isEmpty()) {
            throw new IllegalStateException(problems.toString());
        }
        String name = appId.equals(JAVA_APP) ? JAVA_FUNCTION : FUNCTION;
        FunctionCall call = FunctionCall.confirmation(appId, name, "first.last@mail.example.com", ids.userToken(), ids.objectId());
        long start = System.nanoTime();
        try (Functions functions = Functions.load(List.of(app), java, FunctionSettings.defaults(), clock, ids, problems)) {
            long loaded = System.nanoTime();
            Functions.Outcome outcome = functions.run(app, name, call);
            long ran = System.nanoTime();
            if (!problems.isEmpty() || outcome != Functions.Outcome.SUCCESS) {
                throw new IllegalStateException(problems + " " + outcome);
            }
            System.out.println("COLD " + (loaded - start) + " " + (ran - loaded) + " " + jvmToMain * 1_000_000);
        }
        System.exit(0);
    }

    /** Writes the export of one benchmark app (the layout of the server's tests' AppExport). */
    static Path writeExport(Path parent, String clientAppId, String hookUrl) throws IOException {
        Path dir = parent.resolve(clientAppId);
        Files.createDirectories(dir.resolve(".mdb"));
        Files.createDirectories(dir.resolve("auth"));
        Files.writeString(dir.resolve("root_config.json"), "{\"name\":\"" + clientAppId + "\"}");
        Files.writeString(dir.resolve(".mdb/meta.json"), "{\"client_app_id\":\"" + clientAppId + "\"}");
        String function = clientAppId.equals(JAVA_APP) ? JAVA_FUNCTION : FUNCTION;
        Files.writeString(dir.resolve("auth/providers.json"), "{\"local-userpass\":{\"name\":\"local-userpass\","
                + "\"type\":\"local-userpass\",\"disabled\":false,\"config\":" + PROVIDER.formatted(function) + "}}");
        switch (clientAppId) {
            case JS_APP, WORK_APP -> {
                Files.createDirectories(dir.resolve("functions"));
                Files.writeString(dir.resolve("functions/config.json"), "[{\"name\":\"" + FUNCTION + "\",\"private\":true}]");
                Files.writeString(dir.resolve("functions/" + FUNCTION + ".js"), clientAppId.equals(JS_APP) ? TRIVIAL_JS : WORK_JS);
                if (clientAppId.equals(WORK_APP)) {
                    Files.createDirectories(dir.resolve("values"));
                    Files.writeString(dir.resolve("values/trustedDomains.json"),
                            "{\"name\":\"trustedDomains\",\"value\":[\"example.com\"],\"from_secret\":false}");
                }
            }
            case HOOK_APP -> {
                Files.createDirectories(dir.resolve("functions"));
                Files.writeString(dir.resolve("functions/config.json"), "[{\"name\":\"" + FUNCTION + "\",\"private\":true,"
                        + "\"webhook\":{\"url\":\"" + hookUrl + "\",\"secret_name\":\"hookSecret\"}}]");
            }
            default -> { }
        }
        return dir;
    }

    static void check(Functions.Outcome outcome) {
        if (outcome != Functions.Outcome.SUCCESS) {
            throw new IllegalStateException("a benchmark call answered " + outcome + " instead of SUCCESS");
        }
    }

    // -- statistics ----------------------------------------------------------------------------------

    /** Collections and milliseconds of GC so far, all collectors. */
    static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(p * (sorted.length - 1))];
    }

    static double median(long[] values) {
        return values.length == 0 ? Double.NaN : percentile(values, 0.5);
    }

    static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * The webhook's receiver: the JDK's HTTP server on 127.0.0.1, reading the body and answering
     * {@code {"status":"success"}} without checking the signature (that is the receiver's cost, not
     * Gatehouse's). A pool of handler threads so that concurrent callers are not serialised here.
     */
    static final class WebhookSink implements AutoCloseable {
        private static final byte[] REPLY = "{\"status\":\"success\"}".getBytes(StandardCharsets.US_ASCII);
        private final HttpServer server;
        private final ExecutorService handlers = Executors.newFixedThreadPool(8);
        private final AtomicLong requests = new AtomicLong();

        WebhookSink() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(handlers);
            server.createContext("/hook", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                requests.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, REPLY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(REPLY);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        long requests() {
            return requests.get();
        }

        @Override
        public void close() {
            server.stop(0);
            handlers.shutdownNow();
        }
    }
}
