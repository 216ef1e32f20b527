package dev.gatehouse.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A MimeMessage whose Message-ID is ours (the outbox id) instead of one Angus generates, so
 * duplicates can be spotted downstream. Public for the outbox benchmark, which sends the same way.
 */
public final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    public FixedIdMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
