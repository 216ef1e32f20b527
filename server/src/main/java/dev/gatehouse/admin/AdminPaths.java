package dev.gatehouse.admin;

import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import io.javalin.http.Context;

/**
 * The admin API's paths (App Services Admin API v3, spec 8) and how a request's path names its app.
 * Gatehouse hosts one group: its id is fixed per server and reported by the admin profile.
 */
final class AdminPaths {
    static final String ADMIN = "/api/admin/v3.0";
    static final String GROUP = ADMIN + "/groups/{group}";
    static final String APPS = GROUP + "/apps";
    /** {@code {app}} is the app's internal ObjectId ({@code _id}); the client app id is accepted too. */
    static final String APP = APPS + "/{app}";

    private AdminPaths() {}

    static void requireGroup(Context ctx, String groupId) {
        if (!groupId.equals(ctx.pathParam("group"))) {
            throw new ApiException(ErrorCode.NotFound, "group not found");
        }
    }

    static AppConfig app(Context ctx, Apps apps, String groupId) {
        requireGroup(ctx, groupId);
        String id = ctx.pathParam("app");
        return apps.findByAnyId(id).orElseThrow(() -> new ApiException(ErrorCode.AppNotFound, "app not found"));
    }
}
