package dev.gatehouse.mail;

import org.jdbi.v3.core.Handle;

/**
 * Where the provider's emails go. A message is handed over inside the transaction that creates the
 * user or token it announces, so that an acknowledged registration never lacks its email: the
 * dev mailbox stores it in that transaction, and an SMTP outbox will queue it there too.
 * Implementations are thread-safe.
 */
public interface Mailer {
    void enqueue(Handle transaction, MailMessage message);
}
