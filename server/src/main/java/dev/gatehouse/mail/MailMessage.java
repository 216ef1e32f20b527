package dev.gatehouse.mail;

/**
 * One email to send. The link and bodies hold a live token, so {@link #toString()} leaves them out.
 *
 * @param appId client app id of the app that sends it
 * @param to recipient address
 * @param kind what the email is for
 * @param language the language it is written in
 * @param subject subject line
 * @param text plain-text body (includes the link)
 * @param html HTML body (includes the link)
 * @param link the confirmation or reset link
 */
public record MailMessage(String appId, String to, MailKind kind, String language, String subject, String text,
                          String html, String link) {
    @Override
    public String toString() {
        return "MailMessage[appId=" + appId + ", kind=" + kind + ", language=" + language + ", subject=" + subject + "]";
    }
}
