package dev.gatehouse.mail;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.config.Urls;
import dev.gatehouse.http.PublicUrl;
import dev.gatehouse.token.IssuedToken;
import java.time.Duration;
import java.util.Map;

/**
 * Writes the confirmation and reset emails from the app's templates, in the language the request
 * asked for. The link is the app's configured URL (or Gatehouse's own page when none is set) with
 * {@code token} and {@code tokenId} appended. Thread-safe.
 */
public final class MailComposer {
    private final PublicUrl publicUrl;
    private final Duration tokenTtl;
    private final Map<String, MailTemplates> templatesByApp;

    public MailComposer(PublicUrl publicUrl, Duration tokenTtl, Map<String, MailTemplates> templatesByApp) {
        this.publicUrl = publicUrl;
        this.tokenTtl = tokenTtl;
        this.templatesByApp = Map.copyOf(templatesByApp);
    }

    public MailMessage confirmation(AppConfig app, ProviderConfig provider, String email, IssuedToken token,
                                    String acceptLanguage) {
        String link = link(provider.emailConfirmationUrl(), "/confirm", app, token);
        return compose(app, email, MailKind.CONFIRMATION, link, provider.confirmEmailSubject(), acceptLanguage);
    }

    public MailMessage reset(AppConfig app, ProviderConfig provider, String email, IssuedToken token,
                             String acceptLanguage) {
        String link = link(provider.resetPasswordUrl(), "/reset", app, token);
        return compose(app, email, MailKind.RESET, link, provider.resetPasswordSubject(), acceptLanguage);
    }

    private MailMessage compose(AppConfig app, String email, MailKind kind, String link, String subject,
                                String acceptLanguage) {
        MailTemplates templates = templatesByApp.get(app.clientAppId());
        String language = templates.language(kind, acceptLanguage);
        MailTemplates.Rendered mail = templates.render(kind, language, Map.of(
                "appName", app.name(),
                "email", email,
                "link", link,
                "expiresInMinutes", tokenTtl.toMinutes()), subject);
        return new MailMessage(app.clientAppId(), email, kind, mail.language(), mail.subject(), mail.text(), mail.html(), link);
    }

    private String link(String configured, String hostedPage, AppConfig app, IssuedToken token) {
        String base = configured != null ? configured
                : publicUrl.get() + "/app/" + app.clientAppId() + hostedPage;
        return Urls.withTokenParameters(base, token.token(), token.tokenId());
    }
}
