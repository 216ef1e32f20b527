package dev.gatehouse.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends messages through one SMTP server with Angus Mail, reusing one connection across messages
 * until it is idle or fails. Used by the single delivery worker thread only; not thread-safe.
 */
final class SmtpTransport implements AutoCloseable {
    private final SmtpSettings settings;
    private final Session session;
    private final InternetAddress from;
    private final String messageIdDomain;
    private Transport transport;

    SmtpTransport(SmtpSettings settings) {
        this.settings = settings;
        this.session = Session.getInstance(properties(settings));
        try {
            this.from = new InternetAddress(settings.from(), settings.fromName(), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        this.messageIdDomain = settings.from().substring(settings.from().lastIndexOf('@') + 1);
    }

    private static Properties properties(SmtpSettings s) {
        String protocol = s.security() == SmtpSettings.Security.TLS ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put(p + "host", s.host());
        props.put(p + "port", Integer.toString(s.port()));
        props.put(p + "auth", Boolean.toString(s.username() != null));
        props.put(p + "connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
        props.put(p + "timeout", Long.toString(s.readTimeout().toMillis()));
        props.put(p + "writetimeout", Long.toString(s.readTimeout().toMillis()));
        props.put(p + "from", s.from());
        props.put(p + "ssl.checkserveridentity", "true");
        switch (s.security()) {
            case STARTTLS_OPTIONAL -> props.put(p + "starttls.enable", "true");
            case STARTTLS_REQUIRED -> {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true");
            }
            case TLS -> props.put(p + "ssl.enable", "true");
            case NONE -> { }
        }
        if (s.trustedHosts() != null) {
            props.put(p + "ssl.trust", s.trustedHosts());
            props.put(p + "ssl.checkserveridentity", "false");
        }
        return props;
    }

    void send(OutboxMessage m) throws MessagingException {
        MimeMessage message = new FixedIdMessage(session, "<" + m.id() + "@" + messageIdDomain + ">");
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(m.to(), true));
        message.setSubject(m.subject(), StandardCharsets.UTF_8.name());
        message.setHeader("Auto-Submitted", "auto-generated");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(m.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(m.html(), StandardCharsets.UTF_8.name(), "html");
        // multipart/alternative: clients show the last part they can render, so HTML goes last.
        message.setContent(new MimeMultipart("alternative", text, html));
        message.saveChanges();
        try {
            connected().sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            close();
            throw e;
        }
    }

    private Transport connected() throws MessagingException {
        if (transport == null || !transport.isConnected()) {
            close();
            transport = session.getTransport();
            transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
        }
        return transport;
    }

    /**
     * Whether retrying cannot help: the server refused the message or recipient with a 5xx code,
     * or the address cannot be written. Connection and authentication failures may pass.
     */
    static boolean isPermanent(MessagingException failure) {
        // Angus reports a refused recipient as a SendFailedException whose chain holds the SMTP reply.
        for (Exception e = failure; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPAddressFailedException a && a.getReturnCode() >= 500
                    || e instanceof SMTPSendFailedException f && f.getReturnCode() >= 500
                    || e instanceof AddressException) {
                return true;
            }
        }
        return false;
    }

    /** Closes the connection, if any; the next send opens a new one. */
    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // The connection is being dropped either way.
            }
            transport = null;
        }
    }
}
