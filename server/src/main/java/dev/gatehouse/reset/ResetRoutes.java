package dev.gatehouse.reset;

import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.function.FunctionArguments;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.ratelimit.RateLimiter.Group;
import io.javalin.Javalin;

/** {@code reset/send}, {@code reset} and {@code reset/call}; each answers 204 with no body. */
public final class ResetRoutes {
    private final Apps apps;
    private final ResetService reset;
    private final RateLimiter limiter;

    public ResetRoutes(Apps apps, ResetService reset, RateLimiter limiter) {
        this.limiter = limiter;
        this.apps = apps;
        this.reset = reset;
    }

    public void register(Javalin javalin) {
        javalin.post(Requests.USERPASS + "/reset/send", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            String email = Requests.json(ctx).string("email").orElse(null);
            limiter.attempt(ctx, app, Group.EMAIL, email);
            reset.sendResetEmail(app, email, ctx.header("Accept-Language"));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/reset", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            limiter.guardFailuresRun(ctx, app, Group.TOKEN, null, () -> reset.resetPassword(app,
                    body.string("token").orElse(null), body.string("tokenId").orElse(null), body.string("password").orElse(null)));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/reset/call", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            String email = body.string("email").orElse(null);
            limiter.attempt(ctx, app, Group.EMAIL, email);
            reset.callResetFunction(app, email, body.string("password").orElse(null),
                    FunctionArguments.parse(body.field("arguments").orElse(null)));
            Responses.empty(ctx, 204);
        });
    }
}
