package dev.gatehouse.mail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach the SMTP server. Absent (null) settings mean the dev mailbox.
 *
 * @param host SMTP host
 * @param port SMTP port (25, 587 for STARTTLS, 465 for implicit TLS)
 * @param security transport security
 * @param username login, or null for no authentication
 * @param password password (never logged)
 * @param from envelope and header sender address
 * @param fromName display name of the sender, or null
 * @param connectTimeout TCP connect timeout
 * @param readTimeout socket read and write timeout
 * @param trustedHosts hosts whose certificate is trusted without validation ({@code *} for all); for
 *     test servers with self-signed certificates only, null in production
 */
public record SmtpSettings(String host, int port, Security security, String username, String password, String from,
                           String fromName, Duration connectTimeout, Duration readTimeout, String trustedHosts) {

    /** Transport security of the SMTP connection. */
    public enum Security {
        /** Plain text; only for a relay on the same host or network. */
        NONE,
        /** Upgrade with STARTTLS when the server offers it. */
        STARTTLS_OPTIONAL,
        /** Refuse to send unless STARTTLS succeeds. */
        STARTTLS_REQUIRED,
        /** TLS from the first byte (SMTPS, usually port 465). */
        TLS
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", from=" + from + "]";
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (port < 1 || port > 65_535) {
            problems.add("SMTP port must be between 1 and 65535, got " + port);
        }
        if (from == null || from.isBlank() || !from.contains("@")) {
            problems.add("an SMTP from address is required (--smtp-from), got '" + from + "'");
        }
        if (username != null && password == null) {
            problems.add("an SMTP username needs a password (--smtp-password or GATEHOUSE_SMTP_PASSWORD)");
        }
        return problems;
    }
}
