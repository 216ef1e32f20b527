package dev.gatehouse.app;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The apps this server hosts, by client app id. The set of apps is fixed at start-up; an app's
 * provider may be replaced later (the admin API), which every request after that sees, because
 * services look their app up per request. Thread-safe.
 */
public final class Apps {
    private volatile Map<String, AppConfig> byClientAppId;

    public Apps(List<AppConfig> apps) {
        Map<String, AppConfig> map = new LinkedHashMap<>();
        apps.forEach(app -> map.put(app.clientAppId(), app));
        this.byClientAppId = Collections.unmodifiableMap(map);
    }

    public Collection<AppConfig> all() {
        return byClientAppId.values();
    }

    public Optional<AppConfig> find(String clientAppId) {
        return Optional.ofNullable(byClientAppId.get(clientAppId));
    }

    /** The app whose internal ObjectId ({@code _id} in the admin API) or client app id this is. */
    public Optional<AppConfig> findByAnyId(String id) {
        return find(id).or(() -> all().stream().filter(a -> a.appObjectId().equals(id)).findFirst());
    }

    /** The app, or 404 {@code AppNotFound}. */
    public AppConfig require(String clientAppId) {
        AppConfig app = byClientAppId.get(clientAppId);
        if (app == null) {
            String shown = clientAppId.length() > 64 ? clientAppId.substring(0, 64) + "..." : clientAppId;
            throw new ApiException(ErrorCode.AppNotFound, "cannot find app using Client App ID '" + shown + "'");
        }
        return app;
    }

    /** Replaces a hosted app's provider; returns the app as it is now. */
    public synchronized AppConfig replaceUserpass(String clientAppId, ProviderConfig provider) {
        Map<String, AppConfig> copy = new LinkedHashMap<>(byClientAppId);
        AppConfig updated = require(clientAppId).withUserpass(provider);
        copy.put(clientAppId, updated);
        byClientAppId = Collections.unmodifiableMap(copy);
        return updated;
    }

    /** The app's enabled local-userpass provider, or 404 {@code AuthProviderNotFound}. */
    public static ProviderConfig userpass(AppConfig app) {
        ProviderConfig provider = app.userpass();
        if (provider == null || provider.disabled()) {
            throw new ApiException(ErrorCode.AuthProviderNotFound, "authentication via 'local-userpass' is unsupported");
        }
        return provider;
    }
}
