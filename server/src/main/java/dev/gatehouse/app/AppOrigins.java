package dev.gatehouse.app;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.http.OriginPolicy;
import java.util.Locale;

/**
 * Enforces each app's {@code allowed_request_origins}: an app with an empty list accepts every
 * origin (today's behaviour, and App Services'); one with a list accepts only those origins.
 *
 * <p>The app-less routes (refresh, logout, profile, delete under {@code /api/client/v2.0/auth}) carry
 * no app in the path. Rather than decode the bearer token before CORS runs, an origin is allowed there
 * when <em>some</em> hosted app would allow it: those routes need a token the app's own routes issued,
 * and a browser page from an origin no app knows could not have obtained one through the app routes.
 * An unknown app id is allowed through so that the route itself answers {@code AppNotFound}.
 */
public final class AppOrigins implements OriginPolicy {
    private final Apps apps;

    public AppOrigins(Apps apps) {
        this.apps = apps;
    }

    @Override
    public boolean allows(String clientAppId, String origin) {
        if (clientAppId == null) {
            return apps.all().stream().anyMatch(app -> allows(app, origin));
        }
        return apps.find(clientAppId).map(app -> allows(app, origin)).orElse(true);
    }

    private static boolean allows(AppConfig app, String origin) {
        if (app.allowedRequestOrigins().isEmpty()) {
            return true;
        }
        String asked = normalise(origin);
        return app.allowedRequestOrigins().stream().anyMatch(allowed -> normalise(allowed).equals(asked));
    }

    /**
     * Origins are compared as the browser sends them (scheme://host[:port]); exports sometimes carry a
     * trailing slash or capitals in the host, which a browser never sends, so both are ignored.
     */
    private static String normalise(String origin) {
        String trimmed = origin.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
