package dev.gatehouse.pages;

import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.confirmation.ConfirmationService;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.PasswordPolicy;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.reset.ResetService;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.TokenStatus;
import dev.gatehouse.token.UserTokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Gatehouse's own confirmation and reset pages, which emails link to when the provider names no
 * URL of its own: {@code /app/{app}/confirm} and {@code /app/{app}/reset}.
 *
 * <p>GET only looks at the link and shows a form; only the form's POST uses the token. Mail
 * scanners and link previews GET every link in a message, and must not confirm an address (or
 * spend a reset link) on the person's behalf. Confirming and resetting go through the same
 * services as the JSON API.
 */
public final class HostedPageRoutes {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final Apps apps;
    private final ConfirmationService confirmation;
    private final ResetService reset;
    private final LinkCheck links;
    private final RateLimiter limiter;
    private final PageRenderer renderer;

    /** @param pages per client app id, the app's texts and stylesheet ({@link AppPages#load}); missing: the built-in ones */
    public HostedPageRoutes(Apps apps, ConfirmationService confirmation, ResetService reset, Database database,
                            UserStore users, UserTokens tokens, RateLimiter limiter, Map<String, AppPages> pages) {
        this.renderer = new PageRenderer(pages);
        this.limiter = limiter;
        this.apps = apps;
        this.confirmation = confirmation;
        this.reset = reset;
        this.links = new LinkCheck(database, users, tokens);
    }

    public void register(Javalin javalin) {
        javalin.get("/assets/pages.css", renderer::sendCss);
        javalin.get("/app/{app}/style.css", ctx -> {
            if (!renderer.sendAppCss(ctx, apps.find(ctx.pathParam("app")).orElse(null))) {
                throw new ApiException(ErrorCode.NotFound, "no stylesheet for this app");
            }
        });
        javalin.get("/app/{app}/confirm", ctx -> withApp(ctx, app -> showConfirm(ctx, app)));
        javalin.post("/app/{app}/confirm", ctx -> withApp(ctx, app -> confirm(ctx, app)));
        javalin.get("/app/{app}/reset", ctx -> withApp(ctx, app -> showReset(ctx, app)));
        javalin.post("/app/{app}/reset", ctx -> withApp(ctx, app -> resetPassword(ctx, app)));
    }

    private void withApp(Context ctx, Consumer<AppConfig> page) {
        AppConfig app = apps.find(ctx.pathParam("app")).orElse(null);
        if (app == null) {
            renderer.send(ctx, 404, "message", null, "title.notFound", Map.of("messageKey", "message.noApp"));
            return;
        }
        ProviderConfig provider = app.userpass();
        if (provider == null || provider.disabled()) {
            disabled(ctx, app);
            return;
        }
        page.accept(app);
    }

    private void disabled(Context ctx, AppConfig app) {
        renderer.send(ctx, 404, "message", app, "title.notAvailable", Map.of("messageKey", "message.disabled"));
    }

    private void showConfirm(Context ctx, AppConfig app) {
        FormFields query = FormFields.parse(ctx.queryString());
        String token = query.get("token");
        String tokenId = query.get("tokenId");
        LinkCheck.Link link = links.check(app, token, tokenId, Purpose.CONFIRM);
        if (link.state() != TokenStatus.State.VALID) {
            problem(ctx, app, "confirm", link.state());
            return;
        }
        renderer.send(ctx, 200, "confirm", app, "title.confirm",
                Map.of("form", true, "email", link.email(), "token", token, "tokenId", tokenId));
    }

    private void confirm(Context ctx, AppConfig app) {
        if (waiting(ctx, app)) {
            return;
        }
        FormFields form = form(ctx);
        String token = form.get("token");
        String tokenId = form.get("tokenId");
        try {
            confirmation.confirm(app, token, tokenId);
        } catch (ApiException e) {
            failed(ctx, app, "confirm", e, links.check(app, token, tokenId, Purpose.CONFIRM));
            return;
        }
        renderer.send(ctx, 200, "confirm", app, "title.confirmed", Map.of("done", true));
    }

    private void showReset(Context ctx, AppConfig app) {
        FormFields query = FormFields.parse(ctx.queryString());
        String token = query.get("token");
        String tokenId = query.get("tokenId");
        LinkCheck.Link link = links.check(app, token, tokenId, Purpose.RESET);
        if (link.state() != TokenStatus.State.VALID) {
            problem(ctx, app, "reset", link.state());
            return;
        }
        resetForm(ctx, app, 200, link.email(), token, tokenId, null);
    }

    private void resetPassword(Context ctx, AppConfig app) {
        if (waiting(ctx, app)) {
            return;
        }
        FormFields form = form(ctx);
        String token = form.get("token");
        String tokenId = form.get("tokenId");
        String password = form.get("password");
        // A used or expired link is reported before any mistake in the form: fixing the form would not help.
        LinkCheck.Link link = links.check(app, token, tokenId, Purpose.RESET);
        if (link.state() != TokenStatus.State.VALID) {
            limiter.failed(ctx, app, RateLimiter.Group.TOKEN, null);
            problem(ctx, app, "reset", link.state());
            return;
        }
        if (!Objects.equals(password, form.get("passwordAgain"))) {
            resetForm(ctx, app, 400, link.email(), token, tokenId, "reset.mismatch");
            return;
        }
        if (!PasswordPolicy.accepts(password)) {
            resetForm(ctx, app, 400, link.email(), token, tokenId, "reset.length");
            return;
        }
        try {
            reset.resetPassword(app, token, tokenId, password);
        } catch (ApiException e) {
            // The breach check refuses the password, not the link: the form stays, with why.
            if (BreachedPasswords.isBreachRefusal(e)) {
                resetForm(ctx, app, 400, link.email(), token, tokenId, "reset.breached");
                return;
            }
            if (e.code() == ErrorCode.ServiceUnavailable) {
                resetForm(ctx, app, 503, link.email(), token, tokenId, "reset.unavailable");
                return;
            }
            failed(ctx, app, "reset", e, links.check(app, token, tokenId, Purpose.RESET));
            return;
        }
        renderer.send(ctx, 200, "reset", app, "title.changed", Map.of("done", true));
    }

    /**
     * True, with a page sent, while this client must wait after too many bad links (token guessing,
     * with the same per-IP rule as the JSON API's confirm and reset).
     */
    private boolean waiting(Context ctx, AppConfig app) {
        try {
            limiter.check(ctx, app, RateLimiter.Group.TOKEN, null);
            return false;
        } catch (ApiException e) {
            if (e.code() != ErrorCode.TooManyRequests) {
                throw e;
            }
            e.retryAfter().ifPresent(d -> ctx.header("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
            renderer.send(ctx, 429, "message", app, "title.tooMany", Map.of("messageKey", "message.tooMany"));
            return true;
        }
    }

    /** The reset form again, with the text {@code errorKey} above it when not null. */
    private void resetForm(Context ctx, AppConfig app, int status, String email, String token, String tokenId,
                           String errorKey) {
        Map<String, Object> values = new HashMap<>(Map.of("form", true, "email", email, "token", token,
                "tokenId", tokenId, "min", PasswordPolicy.MIN, "max", PasswordPolicy.MAX));
        if (errorKey != null) {
            values.put("errorKey", errorKey);
        }
        renderer.send(ctx, status, "reset", app, "title.reset", values);
    }

    /** A service refused: the provider went away, or the link was used or expired meanwhile. */
    private void failed(Context ctx, AppConfig app, String page, ApiException e, LinkCheck.Link link) {
        if (e.code() == ErrorCode.AuthProviderNotFound) {
            disabled(ctx, app);
        } else if (e.code() == ErrorCode.UserpassTokenInvalid || e.code() == ErrorCode.BadRequest) {
            limiter.failed(ctx, app, RateLimiter.Group.TOKEN, null);  // a bad link: maybe a guess
            // VALID here would mean it was refused for another reason (another app's user): not valid here.
            problem(ctx, app, page, link.state() == TokenStatus.State.VALID ? TokenStatus.State.INVALID : link.state());
        } else {
            throw e;
        }
    }

    private void problem(Context ctx, AppConfig app, String page, TokenStatus.State state) {
        switch (state) {
            case USED -> renderer.send(ctx, 410, page, app, "title.used", Map.of("used", true));
            case EXPIRED -> renderer.send(ctx, 410, page, app, "title.expired", Map.of("expired", true));
            default -> renderer.send(ctx, 400, page, app, "title.invalid", Map.of("invalid", true));
        }
    }

    private static FormFields form(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return FormFields.parse(null);
        }
        // Always UTF-8, the pages' own encoding, whatever charset the Content-Type names: Javalin's
        // ctx.body() would decode with that charset and fail on one the JVM lacks (found by fuzzing).
        return FormFields.parse(new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8));
    }
}
