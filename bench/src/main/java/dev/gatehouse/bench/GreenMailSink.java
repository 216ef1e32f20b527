package dev.gatehouse.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;

/** GreenMail's SMTP server: parses every message and keeps it in an in-memory mailbox per recipient. */
final class GreenMailSink implements Sink {
    private final GreenMail greenMail;

    GreenMailSink(int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        greenMail = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        greenMail.start();
    }

    @Override
    public int port() {
        return greenMail.getSmtp().getPort();
    }

    @Override
    public int received() {
        return greenMail.getReceivedMessages().length;
    }

    @Override
    public boolean await(int count, Duration timeout) {
        // Event-driven: a latch counted down by GreenMail's SMTP handler per delivered message.
        return greenMail.waitForIncomingEmail(timeout.toMillis(), count);
    }

    @Override
    public String sample() {
        MimeMessage[] messages = greenMail.getReceivedMessages();
        return messages.length == 0 ? null : GreenMailUtil.getWholeMessage(messages[0]);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
