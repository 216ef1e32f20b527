package dev.gatehouse.admin;

import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.confirmation.ConfirmationService;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.http.JsonBody;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.session.SessionService;
import dev.gatehouse.token.Ids;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Users and pending users of an app through the admin API (spec 8): list and search with paging,
 * count, get, create, delete, disable, enable, log out everywhere, verify a token; pending users:
 * list, confirm, re-send, re-run the confirmation function, delete. Users here are confirmed
 * users, as in App Services; pending ones are "user registrations".
 */
public final class AdminUserRoutes {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;

    private final Apps apps;
    private final UserAdmin users;
    private final ConfirmationService confirmation;
    private final SessionService sessions;
    private final String groupId;

    public AdminUserRoutes(Apps apps, UserAdmin users, ConfirmationService confirmation, SessionService sessions,
                           String groupId) {
        this.apps = apps;
        this.users = users;
        this.confirmation = confirmation;
        this.sessions = sessions;
        this.groupId = groupId;
    }

    public void register(Javalin javalin) {
        String u = AdminPaths.APP + "/users";
        javalin.get(u, ctx -> {
            AppConfig app = app(ctx);
            Responses.json(ctx, 200, users.page(app.clientAppId(), ctx.queryParam("search"), UserStore.Status.CONFIRMED,
                    after(ctx), desc(ctx), limit(ctx)).stream().map(l -> user(app, l)).toList());
        });
        javalin.get(AdminPaths.APP + "/users_count", ctx -> Responses.json(ctx, 200,
                users.count(app(ctx).clientAppId(), ctx.queryParam("search"), UserStore.Status.CONFIRMED)));
        javalin.post(u, ctx -> {
            AppConfig app = app(ctx);
            JsonBody body = Requests.json(ctx);
            User created = users.create(app.clientAppId(), body.string("email").orElse(null), body.string("password").orElse(null));
            Responses.json(ctx, 201, user(app, new UserStore.Listed(created, created.createdAt(), null)));
        });
        javalin.post(u + "/verify_token", ctx -> {
            app(ctx);
            String token = Requests.json(ctx).string("token").orElse("");
            SessionService.VerifiedToken verified = sessions.inspectAccessToken(token)
                    .orElseThrow(() -> new ApiException(ErrorCode.InvalidSession, "invalid session"));
            Responses.json(ctx, 200, verified.expired() ? "token expired" : verified.claims());
        });
        javalin.get(u + "/{user}", ctx -> {
            AppConfig app = app(ctx);
            Responses.json(ctx, 200, user(app, confirmedUser(app, ctx)));
        });
        javalin.delete(u + "/{user}", ctx -> {
            AppConfig app = app(ctx);
            users.delete(app.clientAppId(), confirmedUser(app, ctx).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.put(u + "/{user}/disable", ctx -> {
            AppConfig app = app(ctx);
            users.disable(app.clientAppId(), confirmedUser(app, ctx).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.put(u + "/{user}/enable", ctx -> {
            AppConfig app = app(ctx);
            users.enable(app.clientAppId(), confirmedUser(app, ctx).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.put(u + "/{user}/logout", ctx -> {
            AppConfig app = app(ctx);
            users.logoutEverywhere(app.clientAppId(), confirmedUser(app, ctx).user().id());
            Responses.empty(ctx, 204);
        });

        String r = AdminPaths.APP + "/user_registrations";
        javalin.get(r + "/pending_users", ctx -> {
            AppConfig app = app(ctx);
            Responses.json(ctx, 200, users.page(app.clientAppId(), ctx.queryParam("search"), UserStore.Status.PENDING,
                    after(ctx), desc(ctx), limit(ctx)).stream().map(l -> pending(app, l)).toList());
        });
        javalin.get(r + "/pending_users_count", ctx -> Responses.json(ctx, 200,
                users.count(app(ctx).clientAppId(), ctx.queryParam("search"), UserStore.Status.PENDING)));
        javalin.delete(r + "/by_email/{email}", ctx -> {
            AppConfig app = app(ctx);
            users.deletePending(app.clientAppId(), pendingUser(app, ctx.pathParam("email")).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.delete(r + "/by_id/{id}", ctx -> {
            AppConfig app = app(ctx);
            users.deletePending(app.clientAppId(), pendingUser(app, ctx.pathParam("id")).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.post(r + "/by_email/{email}/confirm", ctx -> {
            AppConfig app = app(ctx);
            users.confirm(app.clientAppId(), pendingUser(app, ctx.pathParam("email")).user().id());
            Responses.empty(ctx, 204);
        });
        javalin.post(r + "/by_email/{email}/send_confirm", ctx -> {
            confirmation.resend(app(ctx), ctx.pathParam("email"), ctx.header("Accept-Language"));
            Responses.empty(ctx, 200);
        });
        javalin.post(r + "/by_email/{email}/run_confirm", ctx -> {
            confirmation.retryCustomConfirmation(app(ctx), ctx.pathParam("email"));
            Responses.empty(ctx, 202);
        });
    }

    private AppConfig app(Context ctx) {
        return AdminPaths.app(ctx, apps, groupId);
    }

    /** The confirmed user named by id in the path; pending users are not users here (404). */
    private UserStore.Listed confirmedUser(AppConfig app, Context ctx) {
        String id = ctx.pathParam("user");
        return users.listed(app.clientAppId(), id)
                .filter(l -> l.user().confirmed() && l.user().id().equals(id))
                .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found"));
    }

    /** The pending user named by email or id; a confirmed one is not pending (404, as App Services). */
    private UserStore.Listed pendingUser(AppConfig app, String emailOrId) {
        return users.listed(app.clientAppId(), emailOrId)
                .filter(l -> !l.user().confirmed())
                .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found"));
    }

    private static String after(Context ctx) {
        String after = ctx.queryParam("after");
        if (after == null || after.isEmpty()) {
            return null;
        }
        if (!Ids.isObjectId(after)) {
            throw ApiException.badRequest("query parameter 'after' must be a user id");
        }
        return after;
    }

    private static boolean desc(Context ctx) {
        String sort = ctx.queryParam("sort");
        if (sort != null && !sort.isEmpty() && !"_id".equals(sort)) {
            throw ApiException.badRequest("users can only be sorted by _id");
        }
        return "true".equalsIgnoreCase(ctx.queryParam("desc"));
    }

    private static int limit(Context ctx) {
        return Requests.intQuery(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    }

    /** The App Services admin {@code User} shape (DOCS openapi); times in epoch seconds. */
    static Map<String, Object> user(AppConfig app, UserStore.Listed listed) {
        User user = listed.user();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", user.id());
        body.put("identities", List.of(Map.of("id", user.identityId(), "provider_type", "local-userpass",
                "provider_id", app.userpassProviderId(), "provider_data", Map.of("email", user.email()))));
        body.put("type", "normal");
        body.put("creation_date", seconds(user.createdAt()));
        body.put("last_authentication_date", seconds(listed.lastLoginAt()));
        body.put("disabled", user.disabled());
        body.put("data", Map.of("email", user.email()));
        return body;
    }

    /** The App Services pending-user shape, with its registration time added for operators. */
    static Map<String, Object> pending(AppConfig app, UserStore.Listed listed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", listed.user().id());
        body.put("user_id", "");
        body.put("domain_id", app.appObjectId());
        body.put("login_ids", List.of(Map.of("id_type", "email", "id", listed.user().email())));
        body.put("creation_date", seconds(listed.user().createdAt()));
        return body;
    }

    private static long seconds(Instant at) {
        return at == null ? 0 : at.getEpochSecond();
    }
}
