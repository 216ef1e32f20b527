package dev.gatehouse.mail;

import dev.gatehouse.db.Database;
import dev.gatehouse.token.Ids;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development mailbox, used when no SMTP server is configured: messages are stored in the
 * database, printed to the log, and readable over HTTP with their token and tokenId parsed out (as
 * the Firebase emulator does). It exposes live tokens by design, which is why its HTTP route only
 * answers loopback clients unless the operator opts in. Thread-safe.
 */
public final class DevMailbox implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(DevMailbox.class);

    private final Database database;
    private final Clock clock;
    private final Ids ids;

    public DevMailbox(Database database, Clock clock, Ids ids) {
        this.database = database;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public void enqueue(Handle h, MailMessage message) {
        h.createUpdate("INSERT INTO dev_mail (id, app_id, recipient, kind, language, subject, body_text, body_html, link, "
                        + "created_at) VALUES (:id, :appId, :to, :kind, :language, :subject, :text, :html, :link, :at)")
                .bind("id", ids.objectId())
                .bind("appId", message.appId())
                .bind("to", message.to())
                .bind("kind", message.kind().name())
                .bind("subject", message.subject())
                .bind("language", message.language())
                .bind("text", message.text())
                .bind("html", message.html())
                .bind("link", message.link())
                .bind("at", clock.instant().toEpochMilli())
                .execute();
        h.afterCommit(() -> log.info("dev mailbox: {} mail for {} in app {}: {}", message.kind(), message.to(),
                message.appId(), message.link()));
    }

    @Override
    public List<Instant> writtenSince(Handle h, String appId, String recipient, Instant since) {
        return Mailer.writtenSince(h, "dev_mail", appId, recipient, since);
    }

    /** The latest messages to {@code recipient} (to anyone when null), newest first, each with its token and tokenId. */
    public List<Map<String, Object>> latest(String appId, String recipient, int limit) {
        return database.withHandle(h -> h.createQuery(
                        "SELECT id, recipient, kind, language, subject, body_text, body_html, link, created_at FROM dev_mail "
                                + "WHERE app_id = :appId AND (:to IS NULL OR recipient = :to) ORDER BY seq DESC LIMIT :limit")
                .bind("appId", appId)
                .bindByType("to", recipient, String.class)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getString("id"));
                    m.put("to", rs.getString("recipient"));
                    m.put("kind", rs.getString("kind").toLowerCase(Locale.ROOT));
                    m.put("subject", rs.getString("subject"));
                    m.put("language", rs.getString("language"));
                    m.put("text", rs.getString("body_text"));
                    m.put("html", rs.getString("body_html"));
                    m.put("link", rs.getString("link"));
                    Map<String, String> query = queryParameters(rs.getString("link"));
                    m.put("token", query.get("token"));
                    m.put("tokenId", query.get("tokenId"));
                    m.put("created_at", Instant.ofEpochMilli(rs.getLong("created_at")).toString());
                    return m;
                })
                .list());
    }

    static Map<String, String> queryParameters(String link) {
        Map<String, String> params = new LinkedHashMap<>();
        String query = URI.create(link).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params;
    }
}
