package dev.gatehouse.app;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import io.javalin.http.Context;

/** Resolves {@code .../app/{app}/auth/providers/{provider}} to the app, refusing other providers. */
public final class ProviderPath {
    private ProviderPath() {}

    public static AppConfig app(Apps apps, Context ctx) {
        AppConfig app = apps.require(ctx.pathParam("app"));
        if (!"local-userpass".equals(ctx.pathParam("provider"))) {
            throw new ApiException(ErrorCode.AuthProviderNotFound,
                    "authentication via '" + abbreviate(ctx.pathParam("provider")) + "' is unsupported");
        }
        return app;
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
