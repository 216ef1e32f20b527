package dev.gatehouse.reset;

import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderPath;
import dev.gatehouse.function.FunctionArguments;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import io.javalin.Javalin;

/** {@code reset/send}, {@code reset} and {@code reset/call}; each answers 204 with no body. */
public final class ResetRoutes {
    private final Apps apps;
    private final ResetService reset;

    public ResetRoutes(Apps apps, ResetService reset) {
        this.apps = apps;
        this.reset = reset;
    }

    public void register(Javalin javalin) {
        javalin.post(Requests.USERPASS + "/reset/send", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            reset.sendResetEmail(app, Requests.json(ctx).string("email").orElse(null), ctx.header("Accept-Language"));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/reset", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            reset.resetPassword(app, body.string("token").orElse(null), body.string("tokenId").orElse(null),
                    body.string("password").orElse(null));
            Responses.empty(ctx, 204);
        });
        javalin.post(Requests.USERPASS + "/reset/call", ctx -> {
            var app = ProviderPath.app(apps, ctx);
            JsonBody body = Requests.json(ctx);
            reset.callResetFunction(app, body.string("email").orElse(null), body.string("password").orElse(null),
                    FunctionArguments.parse(body.field("arguments").orElse(null)));
            Responses.empty(ctx, 204);
        });
    }
}
