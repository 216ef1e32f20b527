package dev.gatehouse.mail;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Where the provider's emails go. A message is handed over inside the transaction that creates the
 * user or token it announces, so that an acknowledged request never lacks its email: the dev
 * mailbox stores it in that transaction, the SMTP outbox queues it there. Implementations are
 * thread-safe.
 */
public interface Mailer {
    void enqueue(Handle transaction, MailMessage message);

    /** When the emails to {@code recipient} since {@code since} were written, oldest first (for the send quota). */
    List<Instant> writtenSince(Handle handle, String appId, String recipient, Instant since);

    /** {@link #writtenSince} over a mail table with {@code app_id}, {@code recipient} and {@code created_at}. */
    static List<Instant> writtenSince(Handle h, String table, String appId, String recipient, Instant since) {
        return h.createQuery("SELECT created_at FROM " + table + " WHERE app_id = :appId AND recipient = :to "
                        + "AND created_at > :since ORDER BY created_at")
                .bind("appId", appId)
                .bind("to", recipient)
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> Instant.ofEpochMilli(rs.getLong(1)))
                .list();
    }
}
