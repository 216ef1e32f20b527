package dev.gatehouse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gatehouse.app.Apps;
import dev.gatehouse.app.ProviderSettings;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.config.ProviderJson;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import dev.gatehouse.mail.DevMailbox;
import dev.gatehouse.mail.Outbox;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apps and their provider through the admin API (spec 8): list apps, read the local-userpass
 * provider, change it (the same checks as start-up; see {@link ProviderSettings}), enable and
 * disable it. Also two Gatehouse additions for the console: the SMTP outbox (queued and parked
 * mail, re-queue parked) and the dev mailbox.
 */
public final class AdminAppRoutes {
    private final Apps apps;
    private final ProviderSettings providers;
    private final Database database;
    private final DevMailbox mailbox;  // null when mail goes through SMTP
    private final Clock clock;
    private final String groupId;

    public AdminAppRoutes(Apps apps, ProviderSettings providers, Database database, DevMailbox mailbox, Clock clock,
                          String groupId) {
        this.apps = apps;
        this.providers = providers;
        this.database = database;
        this.mailbox = mailbox;
        this.clock = clock;
        this.groupId = groupId;
    }

    public void register(Javalin javalin) {
        javalin.get(AdminPaths.APPS, ctx -> {
            AdminPaths.requireGroup(ctx, groupId);
            Responses.json(ctx, 200, apps.all().stream().map(this::app).toList());
        });
        javalin.get(AdminPaths.APP, ctx -> Responses.json(ctx, 200, app(app(ctx))));

        String p = AdminPaths.APP + "/auth_providers";
        javalin.get(p, ctx -> {
            AppConfig app = app(ctx);
            Responses.json(ctx, 200, app.userpass() == null ? List.of() : List.of(summary(app, app.userpass())));
        });
        javalin.get(p + "/{provider}", ctx -> {
            AppConfig app = provider(ctx);
            ProviderConfig current = providers.current(app);
            Map<String, Object> body = summary(app, current);
            body.put("config", ProviderJson.write(current).get("config"));
            Responses.json(ctx, 200, body);
        });
        javalin.patch(p + "/{provider}", ctx -> {
            AppConfig app = provider(ctx);
            providers.update(app, Requests.json(ctx).node());
            Responses.empty(ctx, 204);
        });
        for (String action : List.of("enable", "disable")) {
            javalin.put(p + "/{provider}/" + action, ctx -> {
                AppConfig app = provider(ctx);
                JsonNode patch = JsonNodeFactory.instance.objectNode().put("disabled", action.equals("disable"));
                providers.update(app, patch);
                Responses.empty(ctx, 204);
            });
        }

        javalin.get(AdminPaths.APP + "/dev_mailbox", ctx -> {
            AppConfig app = app(ctx);
            if (mailbox == null) {
                throw new ApiException(ErrorCode.NotFound, "mail goes through SMTP: there is no dev mailbox");
            }
            String email = ctx.queryParam("email");
            Responses.json(ctx, 200, Map.of("messages",
                    mailbox.latest(app.clientAppId(), email == null || email.isEmpty() ? null : email, 50)));
        });
        javalin.get(AdminPaths.ADMIN + "/outbox", ctx -> {
            String status = ctx.queryParamAsClass("status", String.class).getOrDefault("queued");
            if (!status.equals("queued") && !status.equals("parked")) {
                throw ApiException.badRequest("query parameter 'status' must be queued or parked");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("smtp", mailbox == null);
            body.put("messages", Outbox.list(database, status, 100));
            Responses.json(ctx, 200, body);
        });
        javalin.post(AdminPaths.ADMIN + "/outbox/requeue", ctx -> Responses.json(ctx, 200,
                Map.of("requeued", Outbox.requeueParked(database, clock.instant()))));
    }

    private AppConfig app(Context ctx) {
        return AdminPaths.app(ctx, apps, groupId);
    }

    /** The app, when {@code {provider}} names its local-userpass provider (by id, or by name). */
    private AppConfig provider(Context ctx) {
        AppConfig app = app(ctx);
        String id = ctx.pathParam("provider");
        if (app.userpass() == null || !(id.equals(app.userpassProviderId()) || id.equals(ProviderJson.USERPASS))) {
            throw new ApiException(ErrorCode.AuthProviderNotFound, "auth provider not found");
        }
        return app;
    }

    private Map<String, Object> app(AppConfig app) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", app.appObjectId());
        body.put("client_app_id", app.clientAppId());
        body.put("name", app.name());
        body.put("group_id", groupId);
        body.put("deployment_model", app.deploymentModel());
        body.put("location", app.location());
        return body;
    }

    private static Map<String, Object> summary(AppConfig app, ProviderConfig provider) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", app.userpassProviderId());
        body.put("name", ProviderJson.USERPASS);
        body.put("type", ProviderJson.USERPASS);
        body.put("disabled", provider.disabled());
        return body;
    }
}
