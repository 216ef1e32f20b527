package dev.gatehouse.registration;

import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import io.javalin.Javalin;

/** {@code POST .../register}: 201 with no body, as App Services answered. */
public final class RegistrationRoutes {
    private final Apps apps;
    private final RegistrationService registration;

    public RegistrationRoutes(Apps apps, RegistrationService registration) {
        this.apps = apps;
        this.registration = registration;
    }

    public void register(Javalin javalin) {
        javalin.post(Requests.USERPASS + "/register", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            registration.register(app, body.string("email").orElse(null), body.string("password").orElse(null),
                    ctx.header("Accept-Language"));
            Responses.empty(ctx, 201);
        });
    }
}
