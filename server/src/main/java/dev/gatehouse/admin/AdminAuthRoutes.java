package dev.gatehouse.admin;

import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.http.ErrorResponses;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.ratelimit.RateLimiter.Group;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin sign-in, in the App Services Admin API shape (spec 8): {@code local-userpass} login for
 * admin users, {@code mongodb-cloud} login for API keys, refresh, logout, profile. Also the guard:
 * every other route under {@code /api/admin/v3.0} needs an admin access token, so a server with no
 * admin refuses the whole admin API.
 */
public final class AdminAuthRoutes {
    static final String ADMIN_ATTRIBUTE = "gatehouse.admin";
    private static final String WRONG_CREDENTIALS = "invalid username/password";

    private final AdminAccounts accounts;
    private final String groupId;
    private final RateLimiter limiter;

    public AdminAuthRoutes(AdminAccounts accounts, String groupId, RateLimiter limiter) {
        this.limiter = limiter;
        this.accounts = accounts;
        this.groupId = groupId;
    }

    public void register(Javalin javalin) {
        javalin.before(AdminPaths.ADMIN + "/*", this::guard);
        javalin.exception(AdminException.class, (e, ctx) -> ErrorResponses.write(ctx, switch (e.reason()) {
            case NOT_FOUND -> ErrorCode.UserNotFound;
            case CONFLICT -> ErrorCode.AccountNameInUse;
            case INVALID -> ErrorCode.BadRequest;
        }, e.getMessage()));
        javalin.post(AdminPaths.ADMIN + "/auth/providers/local-userpass/login", ctx -> {
            JsonBody body = Requests.json(ctx);
            login(ctx, AdminAccounts.Kind.USER, body.string("username").orElse(null), body.string("password").orElse(null));
        });
        javalin.post(AdminPaths.ADMIN + "/auth/providers/mongodb-cloud/login", ctx -> {
            JsonBody body = Requests.json(ctx);
            login(ctx, AdminAccounts.Kind.API_KEY, body.string("username").orElse(null), body.string("apiKey").orElse(null));
        });
        javalin.post(AdminPaths.ADMIN + "/auth/session", ctx -> {
            String access = accounts.refresh(Requests.requireBearer(ctx))
                    .orElseThrow(() -> new ApiException(ErrorCode.InvalidSession, "invalid session"));
            Responses.json(ctx, 201, Map.of("access_token", access));
        });
        javalin.delete(AdminPaths.ADMIN + "/auth/session", ctx -> {
            Requests.bearer(ctx).ifPresent(accounts::logout);
            Responses.empty(ctx, 204);
        });
        javalin.get(AdminPaths.ADMIN + "/auth/profile", ctx -> {
            AdminAccounts.Admin admin = admin(ctx);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user_id", admin.id());
            body.put("type", admin.kind() == AdminAccounts.Kind.USER ? "normal" : "api_key");
            body.put("data", Map.of("name", admin.name()));
            body.put("roles", List.of(Map.of("role_name", "GROUP_OWNER", "group_id", groupId)));
            Responses.json(ctx, 200, body);
        });
    }

    private void login(Context ctx, AdminAccounts.Kind kind, String name, String secret) {
        // Admin sign-in is server-wide, so it has the server's limits (no app's file changes them).
        AdminAccounts.Login login = limiter.guardFailures(ctx, null, Group.ADMIN_LOGIN, name, () -> accounts.login(kind, name, secret)
                .orElseThrow(() -> new ApiException(ErrorCode.InvalidPassword, WRONG_CREDENTIALS)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", login.accessToken());
        body.put("refresh_token", login.refreshToken());
        body.put("user_id", login.adminId());
        body.put("device_id", "000000000000000000000000");
        Responses.json(ctx, 200, body);
    }

    /** Lets the sign-in routes through; every other admin request must carry a live admin access token. */
    private void guard(Context ctx) {
        String path = ctx.path();
        boolean signIn = path.startsWith(AdminPaths.ADMIN + "/auth/providers/")
                || (path.equals(AdminPaths.ADMIN + "/auth/session") && ctx.method() != HandlerType.GET);
        if (signIn) {
            return;
        }
        String token = Requests.requireBearer(ctx);
        AdminAccounts.Admin admin = accounts.authenticate(token).orElseThrow(ApiException::invalidSession);
        ctx.attribute(ADMIN_ATTRIBUTE, admin);
    }

    static AdminAccounts.Admin admin(Context ctx) {
        return ctx.attribute(ADMIN_ATTRIBUTE);
    }
}
