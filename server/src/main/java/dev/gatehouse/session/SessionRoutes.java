package dev.gatehouse.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.account.User;
import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.ratelimit.RateLimiter.Group;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Login, refresh ({@code POST auth/session}), logout ({@code DELETE auth/session}), profile and
 * delete, at the app-less paths the SDKs use and at the app-scoped aliases older clients use (spec
 * 3, "serve both forms").
 */
public final class SessionRoutes {
    private final Apps apps;
    private final SessionService sessions;
    private final SigningKeys keys;
    private final RateLimiter limiter;

    public SessionRoutes(Apps apps, SessionService sessions, SigningKeys keys, RateLimiter limiter) {
        this.limiter = limiter;
        this.apps = apps;
        this.sessions = sessions;
        this.keys = keys;
    }

    public void register(Javalin javalin) {
        // The public keys that verify Gatehouse's tokens, for services that accept them.
        javalin.get("/.well-known/jwks.json", ctx -> Responses.json(ctx, 200, keys.jwks()));
        javalin.post(Requests.USERPASS + "/login", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            String username = body.string("username").orElse(null);
            LoginResult result = limiter.guardFailures(ctx, app, Group.LOGIN, username,
                    () -> sessions.login(app, username, body.string("password").orElse(null), deviceId(body)));
            Responses.json(ctx, 200, result);
        });
        for (String prefix : List.of(Requests.CLIENT, Requests.APP)) {
            javalin.post(prefix + "/auth/session", ctx -> Responses.json(ctx, 201,
                    Map.of("access_token", sessions.refresh(Requests.requireBearer(ctx), scopedApp(ctx)))));
            javalin.delete(prefix + "/auth/session", ctx -> {
                sessions.logout(Requests.requireBearer(ctx));
                Responses.empty(ctx, 204);
            });
            javalin.get(prefix + "/auth/profile", ctx -> Responses.json(ctx, 200, profile(principal(ctx))));
            javalin.delete(prefix + "/auth/delete", ctx -> {
                sessions.deleteUser(principal(ctx));
                Responses.empty(ctx, 204);
            });
        }
    }

    /** The authenticated caller; on an app-scoped path, only a user of that app. */
    private Principal principal(Context ctx) {
        Principal principal = sessions.authenticate(Requests.requireBearer(ctx));
        String scoped = scopedApp(ctx);
        if (scoped != null && !scoped.equals(principal.app().clientAppId())) {
            throw ApiException.invalidSession();
        }
        return principal;
    }

    private String scopedApp(Context ctx) {
        if (!ctx.pathParamMap().containsKey("app")) {
            return null;
        }
        return apps.require(ctx.pathParam("app")).clientAppId();
    }

    /** The device id realm-web sends back as {@code options.device.deviceId: {"$oid": ...}}. */
    private static String deviceId(JsonBody body) {
        JsonNode id = body.node().path("options").path("device").path("deviceId");
        if (id.isTextual()) {
            return id.asText();
        }
        return id.path("$oid").isTextual() ? id.path("$oid").asText() : null;
    }

    /** The profile reply of spec 5.3. */
    static Map<String, Object> profile(Principal principal) {
        User user = principal.user();
        Map<String, Object> providerData = Map.of("email", user.email());
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("id", user.identityId());
        identity.put("provider_type", "local-userpass");
        identity.put("provider_id", principal.app().userpassProviderId());
        identity.put("provider_data", providerData);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user.id());
        body.put("domain_id", principal.app().appObjectId());
        body.put("identities", List.of(identity));
        body.put("data", providerData);
        body.put("type", "normal");
        return body;
    }
}
