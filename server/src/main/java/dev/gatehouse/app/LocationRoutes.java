package dev.gatehouse.app;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.http.PublicUrl;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import io.javalin.Javalin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET .../app/{app}/location}: tells the SDKs where to send every later request (spec 2).
 * {@code hostname} is the server's public URL; realm-core requires a {@code ws_hostname} too, even
 * though Gatehouse has no sync.
 */
public final class LocationRoutes {
    private final Apps apps;
    private final PublicUrl publicUrl;

    public LocationRoutes(Apps apps, PublicUrl publicUrl) {
        this.apps = apps;
        this.publicUrl = publicUrl;
    }

    public void register(Javalin javalin) {
        javalin.get(Requests.APP + "/location", ctx -> {
            AppConfig app = apps.require(ctx.pathParam("app"));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("deployment_model", app.deploymentModel());
            body.put("location", app.location());
            body.put("hostname", publicUrl.get());
            body.put("ws_hostname", publicUrl.websocket());
            Responses.json(ctx, 200, body);
        });
    }
}
