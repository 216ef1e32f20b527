package dev.gatehouse.registration;

import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.ratelimit.RateLimiter.Group;
import io.javalin.Javalin;

/** {@code POST .../register}: 201 with no body, as App Services answered. */
public final class RegistrationRoutes {
    private final Apps apps;
    private final RegistrationService registration;
    private final RateLimiter limiter;

    public RegistrationRoutes(Apps apps, RegistrationService registration, RateLimiter limiter) {
        this.limiter = limiter;
        this.apps = apps;
        this.registration = registration;
    }

    public void register(Javalin javalin) {
        javalin.post(Requests.USERPASS + "/register", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            String email = body.string("email").orElse(null);
            limiter.attempt(ctx, app, Group.REGISTER, email);
            registration.register(app, email, body.string("password").orElse(null),
                    ctx.header("Accept-Language"));
            Responses.empty(ctx, 201);
        });
    }
}
