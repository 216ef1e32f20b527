package dev.gatehouse.confirmation;

import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.ratelimit.RateLimiter.Group;
import io.javalin.Javalin;

/** {@code confirm}, {@code confirm/send} and {@code confirm/call}; each answers 204 with no body. */
public final class ConfirmationRoutes {
    private final Apps apps;
    private final ConfirmationService confirmation;
    private final RateLimiter limiter;

    public ConfirmationRoutes(Apps apps, ConfirmationService confirmation, RateLimiter limiter) {
        this.limiter = limiter;
        this.apps = apps;
        this.confirmation = confirmation;
    }

    public void register(Javalin javalin) {
        javalin.post(Requests.USERPASS + "/confirm", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            limiter.guardFailuresRun(ctx, app, Group.TOKEN, null,
                    () -> confirmation.confirm(app, body.string("token").orElse(null), body.string("tokenId").orElse(null)));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/confirm/send", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            String email = Requests.json(ctx).string("email").orElse(null);
            limiter.attempt(ctx, app, Group.EMAIL, email);
            confirmation.clientResend(app, email, ctx.header("Accept-Language"));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/confirm/call", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            String email = Requests.json(ctx).string("email").orElse(null);
            limiter.attempt(ctx, app, Group.EMAIL, email);
            confirmation.retryCustomConfirmation(app, email);
            Responses.empty(ctx, 204);
        });
    }
}
