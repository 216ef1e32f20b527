package dev.gatehouse.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.config.ProviderJson;
import dev.gatehouse.db.Database;
import dev.gatehouse.function.Functions;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.token.Digests;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes to an app's local-userpass provider made while the server runs (the admin API). A change
 * is checked exactly as start-up checks an export, stored in the database so that every node uses
 * it and a restart keeps it, applied at once on this node, picked up by the other nodes within the
 * refresh interval, and written back into each node's export directory so that the export stays
 * the app's configuration.
 *
 * <p>At start-up {@link #reconcile} settles a stored change against the export: an export that
 * still holds a config from before the change is behind, and gets the change; an export edited
 * since wins, and becomes the stored config for the other nodes. Thread-safe.
 */
public final class ProviderSettings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderSettings.class);
    /** Digests of earlier configs kept per app: enough to recognise any export from recent history. */
    private static final int HISTORY = 50;

    private final Database database;
    private final Apps apps;
    private final Functions functions;
    private final Clock clock;
    private final Duration refresh;
    private final Thread thread;
    private volatile boolean running = true;

    private record Stored(ProviderConfig config, List<String> replacedDigests) {}

    public ProviderSettings(Database database, Apps apps, Functions functions, Clock clock, Duration refresh) {
        this.database = database;
        this.apps = apps;
        this.functions = functions;
        this.clock = clock;
        this.refresh = refresh;
        this.thread = Thread.ofPlatform().name("gatehouse-provider-settings").daemon().unstarted(this::loop);
    }

    /** Settles stored changes against the exports (see the class comment); adds what cannot be applied. */
    public void reconcile(List<String> problems) {
        for (AppConfig app : apps.all()) {
            if (app.userpass() == null) {
                continue;
            }
            Optional<Stored> stored = database.withHandle(h -> read(h, app.clientAppId()));
            if (stored.isEmpty() || stored.get().config().equals(app.userpass())) {
                continue;
            }
            String exportDigest = digest(app.userpass());
            if (stored.get().replacedDigests().contains(exportDigest)) {
                List<String> found = new ArrayList<>();
                apply(app, stored.get().config(), found);
                found.forEach(p -> problems.add(app.clientAppId() + ": the provider changed through the admin API "
                        + "no longer fits the export: " + p));
            } else {
                log.info("app '{}': the export's local-userpass provider was edited since the last admin change; "
                        + "the export's wins", app.clientAppId());
                database.useTransaction(h -> store(h, app.clientAppId(), stored.get().config(), app.userpass()));
            }
        }
    }

    /** The app's provider as it is now, or 404 when the app has none. */
    public ProviderConfig current(AppConfig app) {
        ProviderConfig provider = apps.find(app.clientAppId()).map(AppConfig::userpass).orElse(null);
        if (provider == null) {
            throw new ApiException(ErrorCode.AuthProviderNotFound, "app has no local-userpass provider");
        }
        return provider;
    }

    /**
     * Changes the provider by a partial wrapper ({@code disabled} and/or {@code config} fields);
     * 400 {@code BadRequest} listing every problem, with nothing changed, when the result would not
     * start.
     */
    public ProviderConfig update(AppConfig app, JsonNode patch) {
        List<String> problems = new ArrayList<>();
        ProviderConfig before = current(app);
        ProviderConfig changed = ProviderJson.merge(before, patch, problems);
        if (problems.isEmpty()) {
            check(app, changed, problems);
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        database.useTransaction(h -> store(h, app.clientAppId(), before, changed));
        apply(app, changed, problems);
        return changed;
    }

    /** Picks up changes stored by other nodes; runs every refresh interval, and on demand in tests. */
    public void reload() {
        Map<String, Stored> all = database.withHandle(h -> h.createQuery(
                        "SELECT app_id, provider_json, replaced_digests FROM provider_settings")
                .map((rs, ctx) -> Map.entry(rs.getString("app_id"), stored(rs.getString("provider_json"),
                        rs.getString("replaced_digests"))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        for (Map.Entry<String, Stored> entry : all.entrySet()) {
            apps.find(entry.getKey())
                    .filter(app -> app.userpass() != null && !app.userpass().equals(entry.getValue().config()))
                    .ifPresent(app -> {
                        List<String> problems = new ArrayList<>();
                        apply(app, entry.getValue().config(), problems);
                        problems.forEach(p -> log.error("app '{}': cannot use the provider stored by another node: {}",
                                app.clientAppId(), p));
                    });
        }
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(refresh);
                reload();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A database hiccup: the next pass tries again; requests keep the settings they have.
                log.warn("could not reload provider settings: {}", e.toString());
            }
        }
    }

    /** The start-up checks: the provider's own rules, then its functions, prepared to run. */
    private void check(AppConfig app, ProviderConfig provider, List<String> problems) {
        problems.addAll(provider.problems(functions.available(app)));
        if (problems.isEmpty()) {
            functions.prepare(app, provider, problems);
        }
    }

    /** Checks the provider, then uses it on this node and writes it back to the export. */
    private void apply(AppConfig app, ProviderConfig provider, List<String> problems) {
        check(app, provider, problems);
        if (!problems.isEmpty()) {
            return;
        }
        apps.replaceUserpass(app.clientAppId(), provider);
        if (app.directory() != null) {
            try {
                ProviderJson.writeBack(app.directory(), provider);
            } catch (IOException | RuntimeException e) {
                // The database holds the change, so every node uses it; only the export lags.
                log.warn("app '{}': provider changed, but it could not be written back to {}: {}",
                        app.clientAppId(), app.directory(), e.toString());
            }
        }
        log.info("app '{}': local-userpass provider is now {}", app.clientAppId(), ProviderJson.canonical(provider));
    }

    /** Stores {@code provider} as the app's, remembering {@code replaced} among the earlier configs. */
    private void store(Handle h, String appId, ProviderConfig replaced, ProviderConfig provider) {
        List<String> history = new ArrayList<>(read(h, appId).map(Stored::replacedDigests).orElse(List.of()));
        history.add(digest(replaced));
        String newDigest = digest(provider);
        history.removeIf(newDigest::equals);
        List<String> kept = history.stream().distinct().toList();
        kept = kept.subList(Math.max(0, kept.size() - HISTORY), kept.size());
        h.createUpdate("INSERT INTO provider_settings (app_id, provider_json, replaced_digests, updated_at) "
                        + "VALUES (:app, :json, :digests, :now) ON CONFLICT (app_id) DO UPDATE SET "
                        + "provider_json = :json, replaced_digests = :digests, updated_at = :now")
                .bind("app", appId)
                .bind("json", ProviderJson.canonical(provider))
                .bind("digests", String.join(" ", kept))
                .bind("now", clock.instant().toEpochMilli())
                .execute();
    }

    private static Optional<Stored> read(Handle h, String appId) {
        return h.createQuery("SELECT provider_json, replaced_digests FROM provider_settings WHERE app_id = :app")
                .bind("app", appId)
                .map((rs, ctx) -> stored(rs.getString("provider_json"), rs.getString("replaced_digests")))
                .findOne();
    }

    private static Stored stored(String json, String digests) {
        return new Stored(ProviderJson.parseCanonical(json),
                digests.isBlank() ? List.of() : Arrays.asList(digests.trim().split(" ")));
    }

    private static String digest(ProviderConfig provider) {
        return Digests.sha256(ProviderJson.canonical(provider));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
