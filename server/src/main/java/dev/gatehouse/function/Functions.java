package dev.gatehouse.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.AppValues;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.config.FunctionSource;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.http.Json;
import dev.gatehouse.token.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The confirmation and reset functions that the apps' providers name, ready to run: JavaScript from
 * the export, webhooks, or Java functions of the embedding application. Prepared at start-up, and
 * again for a provider changed later, which is where every problem (a syntax error, a missing
 * secret) is found. Thread-safe.
 */
public final class Functions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Functions.class);

    /** How a call ended: the function's status, or {@link #ERROR} when it produced none. */
    public enum Outcome { SUCCESS, PENDING, FAIL, ERROR }

    private final Map<String, FunctionRunner> runners = new ConcurrentHashMap<>();
    private final JavaFunctions java;
    private final FunctionSettings settings;
    private final Clock clock;
    private final Ids ids;
    private final ExecutorService javaThreads;
    private final MeterRegistry meters;
    // Built on first need (guarded by this): most servers run no function, the JavaScript engine is
    // heavy, and an HttpClient starts a selector thread.
    private JsRuntime js;
    private HttpClient httpClient;

    private Functions(JavaFunctions java, FunctionSettings settings, Clock clock, Ids ids, MeterRegistry meters) {
        this.java = java;
        this.settings = settings;
        this.clock = clock;
        this.ids = ids;
        this.meters = meters;
        this.javaThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gatehouse-fn-", 1).factory());
    }

    /**
     * Prepares every function a provider runs, adding what is wrong to {@code problems}. The
     * JavaScript engine is started only when some provider runs a JavaScript function.
     */
    public static Functions load(Collection<AppConfig> apps, JavaFunctions java, FunctionSettings settings,
                                 Clock clock, Ids ids, List<String> problems) {
        // Tests and benchmarks: an empty composite registry makes no-op meters.
        return load(apps, java, settings, clock, ids, problems, new CompositeMeterRegistry());
    }

    /** As above, counting calls by kind and outcome in {@code meters}. */
    public static Functions load(Collection<AppConfig> apps, JavaFunctions java, FunctionSettings settings,
                                 Clock clock, Ids ids, List<String> problems, MeterRegistry meters) {
        Functions functions = new Functions(java, settings, clock, ids, meters);
        try {
            for (AppConfig app : apps) {
                functions.prepare(app, app.userpass(), problems);
            }
        } catch (RuntimeException e) {
            functions.close();
            throw e;
        }
        return functions;
    }

    /**
     * Prepares the functions that {@code provider} runs for {@code app} and that are not prepared
     * yet, adding what is wrong to {@code problems}: start-up calls this for each app, and a provider
     * changed through the admin API calls it before the change is accepted, with the same checks.
     */
    public synchronized void prepare(AppConfig app, ProviderConfig provider, List<String> problems) {
        for (String name : runFunctionNames(provider)) {
            if (runners.containsKey(key(app, name))) {
                continue;
            }
            String where = app.directory() + ": function '" + name + "' ";
            FunctionSource source = app.functions().get(name);
            FunctionRunner runner = null;
            if (source == null) {
                runner = java.find(name).map(f -> (FunctionRunner) new JavaRunner(f, javaThreads, settings.timeout()))
                        .orElse(null);
            } else if (source.webhook() != null) {
                runner = webhook(source.webhook(), settings, http(), clock, ids, where, problems);
            } else {
                if (js == null) {
                    js = new JsRuntime(settings, new FunctionHttp(new HostAllowList(settings.httpAllowList()), http()));
                }
                runner = javascript(js, app, name, source.source(), settings, where, problems);
            }
            if (runner != null) {
                runners.put(key(app, name), runner);
            }
        }
    }

    /** The names a provider of {@code app} may give: the export's functions and the Java functions. */
    public Set<String> available(AppConfig app) {
        Set<String> names = new LinkedHashSet<>(app.functions().keySet());
        names.addAll(java.names());
        return names;
    }

    private HttpClient http() {
        if (httpClient == null) {
            httpClient = httpClient(settings);
        }
        return httpClient;
    }

    private static HttpClient httpClient(FunctionSettings settings) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout().compareTo(Duration.ofSeconds(5)) < 0 ? settings.timeout() : Duration.ofSeconds(5))
                .build();
    }

    /** The functions a provider runs: only these are prepared (an export may carry many unrelated ones). */
    private static Set<String> runFunctionNames(ProviderConfig provider) {
        Set<String> names = new LinkedHashSet<>();
        if (provider != null && provider.runConfirmationFunction()) {
            names.add(provider.confirmationFunctionName());
        }
        if (provider != null && provider.runResetFunction()) {
            names.add(provider.resetFunctionName());
        }
        return names;
    }

    private static FunctionRunner webhook(FunctionSource.Webhook webhook, FunctionSettings settings, HttpClient client,
                                          Clock clock, Ids ids, String where, List<String> problems) {
        String secret = settings.secrets().get(webhook.secretName());
        if (secret == null) {
            problems.add(where + "is signed with secret '" + webhook.secretName()
                    + "', which is not set (environment variable GATEHOUSE_SECRET_" + webhook.secretName() + ")");
            return null;
        }
        byte[] key;
        try {
            key = WebhookSignature.key(secret);
        } catch (IllegalArgumentException e) {
            problems.add(where + "secret '" + webhook.secretName() + "' starts with whsec_ but is not base64");
            return null;
        }
        if (key.length < WebhookSignature.MIN_KEY_BYTES) {
            problems.add(where + "secret '" + webhook.secretName() + "' is shorter than "
                    + WebhookSignature.MIN_KEY_BYTES + " bytes");
            return null;
        }
        return new WebhookRunner(URI.create(webhook.url()), key, client, settings.timeout(), clock, ids);
    }

    private static FunctionRunner javascript(JsRuntime js, AppConfig app, String name, String code,
                                             FunctionSettings settings, String where, List<String> problems) {
        ObjectNode values = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, AppValues.Value> entry : app.values().values().entrySet()) {
            AppValues.Value value = entry.getValue();
            if (!value.fromSecret()) {
                values.set(entry.getKey(), value.value());
                continue;
            }
            String secret = settings.secrets().get(value.value().asText());
            if (secret == null) {
                problems.add(where + "may read value '" + entry.getKey() + "', whose secret '" + value.value().asText()
                        + "' is not set (environment variable GATEHOUSE_SECRET_" + value.value().asText() + ")");
            } else {
                values.set(entry.getKey(), TextNode.valueOf(secret));
            }
        }
        ObjectNode environment = Json.MAPPER.createObjectNode();
        environment.put("tag", app.values().environment());
        environment.set("values", app.values().environmentValues());
        try {
            JsRuntime.JsFunction function = js.compile(app.clientAppId(), name, code, values.toString(), environment.toString());
            return new FunctionRunner() {
                @Override
                public FunctionStatus run(FunctionCall call) throws FunctionFailure {
                    return js.run(function, call);
                }

                @Override
                public String kind() {
                    return "javascript";
                }
            };
        } catch (FunctionFailure e) {
            problems.add(where + e.getMessage());
            return null;
        }
    }

    /**
     * Runs a provider's function. Never throws: a failure of any kind is logged with the function's
     * name and reported as {@link Outcome#ERROR}, for the caller to answer with the contract's error.
     */
    public Outcome run(AppConfig app, String name, FunctionCall call) {
        FunctionRunner runner = runners.get(key(app, name));
        Outcome outcome = runner == null ? missing(app, name) : run(runner, app, name, call);
        // Tagged by kind and outcome only: a function's name is the operator's, but unbounded in number.
        Counter.builder("gatehouse.function.calls")
                .description("Confirmation and reset function calls by kind and outcome")
                .tags("kind", runner == null ? "none" : runner.kind(), "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(meters)
                .increment();
        return outcome;
    }

    private static Outcome missing(AppConfig app, String name) {
        // Start-up prepares every function a provider names, so this is a provider without one.
        log.warn("function '{}' of app '{}' is not available", name, app.clientAppId());
        return Outcome.ERROR;
    }

    private static Outcome run(FunctionRunner runner, AppConfig app, String name, FunctionCall call) {
        try {
            FunctionStatus status = runner.run(call);
            log.debug("{} function '{}' of app '{}' returned {}", runner.kind(), name, app.clientAppId(), status);
            return Outcome.valueOf(status.name());
        } catch (FunctionFailure e) {
            log.warn("{} function '{}' of app '{}' failed: {}", runner.kind(), name, app.clientAppId(), e.getMessage());
            return Outcome.ERROR;
        } catch (RuntimeException e) {
            // The runtime itself broke (it is shutting down, say); the client still gets the contract's error.
            log.error("{} function '{}' of app '{}' could not run", runner.kind(), name, app.clientAppId(), e);
            return Outcome.ERROR;
        }
    }

    private static String key(AppConfig app, String name) {
        return app.clientAppId() + "\u0000" + name;
    }

    @Override
    public synchronized void close() {
        if (js != null) {
            js.close();
        }
        javaThreads.shutdownNow();
        if (httpClient != null) {
            httpClient.close();
        }
    }
}
