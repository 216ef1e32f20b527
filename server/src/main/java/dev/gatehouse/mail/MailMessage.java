package dev.gatehouse.mail;

/**
 * One email to send. The link holds a live token, so {@link #toString()} leaves it out.
 *
 * @param appId client app id of the app that sends it
 * @param to recipient address
 * @param kind what the email is for
 * @param subject subject line
 * @param text plain-text body (includes the link)
 * @param link the confirmation or reset link
 */
public record MailMessage(String appId, String to, MailKind kind, String subject, String text, String link) {
    @Override
    public String toString() {
        return "MailMessage[appId=" + appId + ", kind=" + kind + ", subject=" + subject + "]";
    }
}
