package dev.gatehouse.mail;

import dev.gatehouse.app.Apps;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.http.LoopbackPeers;
import dev.gatehouse.http.Requests;
import dev.gatehouse.http.Responses;
import io.javalin.Javalin;
import java.util.Map;

/**
 * {@code GET /dev/mailbox/{app}?email=...&limit=...}: the latest dev-mailbox messages for an
 * address. Only loopback clients are answered unless the operator allows remote ones, because the
 * messages carry live tokens.
 */
public final class DevMailboxRoutes {
    private final Apps apps;
    private final DevMailbox mailbox;
    private final boolean allowRemote;

    public DevMailboxRoutes(Apps apps, DevMailbox mailbox, boolean allowRemote) {
        this.apps = apps;
        this.mailbox = mailbox;
        this.allowRemote = allowRemote;
    }

    public void register(Javalin javalin) {
        javalin.get("/dev/mailbox/{app}", ctx -> {
            if (!LoopbackPeers.allows(ctx.req().getRemoteAddr(), allowRemote)) {
                throw new ApiException(ErrorCode.NotFound, "no route matches this method and path");
            }
            var app = apps.require(ctx.pathParam("app"));
            String email = ctx.queryParam("email");
            if (email == null || email.isEmpty()) {
                throw ApiException.badRequest("query parameter 'email' is required");
            }
            int limit = Requests.intQuery(ctx, "limit", 10, 1, 100);
            Responses.json(ctx, 200, Map.of("messages", mailbox.latest(app.clientAppId(), email, limit)));
        });
    }
}
