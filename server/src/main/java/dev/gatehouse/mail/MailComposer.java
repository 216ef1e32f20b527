package dev.gatehouse.mail;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.config.Urls;
import dev.gatehouse.http.PublicUrl;
import dev.gatehouse.token.IssuedToken;
import java.time.Duration;

/**
 * Writes the confirmation and reset emails: the link is the app's configured URL (or Gatehouse's
 * own page when none is set) with {@code token} and {@code tokenId} appended. Thread-safe.
 */
public final class MailComposer {
    static final String DEFAULT_CONFIRM_SUBJECT = "Confirm your email address";
    static final String DEFAULT_RESET_SUBJECT = "Reset your password";

    private final PublicUrl publicUrl;
    private final Duration tokenTtl;

    public MailComposer(PublicUrl publicUrl, Duration tokenTtl) {
        this.publicUrl = publicUrl;
        this.tokenTtl = tokenTtl;
    }

    public MailMessage confirmation(AppConfig app, ProviderConfig provider, String email, IssuedToken token) {
        String link = link(provider.emailConfirmationUrl(), "/confirm", app, token);
        String text = "Hello,\n\nplease confirm your email address for " + app.name() + " by opening this link within "
                + minutes() + ":\n\n" + link + "\n\nIf you did not create an account, ignore this email.\n";
        return new MailMessage(app.clientAppId(), email, MailKind.CONFIRMATION,
                subject(provider.confirmEmailSubject(), DEFAULT_CONFIRM_SUBJECT), text, link);
    }

    public MailMessage reset(AppConfig app, ProviderConfig provider, String email, IssuedToken token) {
        String link = link(provider.resetPasswordUrl(), "/reset", app, token);
        String text = "Hello,\n\nsomeone asked to reset the password of your " + app.name() + " account. To choose a new "
                + "password, open this link within " + minutes() + ":\n\n" + link
                + "\n\nIf it was not you, ignore this email: your password stays as it is.\n";
        return new MailMessage(app.clientAppId(), email, MailKind.RESET,
                subject(provider.resetPasswordSubject(), DEFAULT_RESET_SUBJECT), text, link);
    }

    private String link(String configured, String hostedPage, AppConfig app, IssuedToken token) {
        String base = configured != null ? configured
                : publicUrl.get() + "/app/" + app.clientAppId() + hostedPage;
        return Urls.withTokenParameters(base, token.token(), token.tokenId());
    }

    private static String subject(String configured, String fallback) {
        return configured == null || configured.isBlank() ? fallback : configured;
    }

    private String minutes() {
        return tokenTtl.toMinutes() + " minutes";
    }
}
