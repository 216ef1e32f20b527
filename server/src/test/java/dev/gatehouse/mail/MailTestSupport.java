package dev.gatehouse.mail;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers shared by the mail delivery tests (and the crash tests of {@code dev.gatehouse.reliability}). */
public final class MailTestSupport {
    private MailTestSupport() {}

    /** A port free at this moment, for a server the test starts later (an SMTP server "coming back"). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls for an asynchronous outcome (the delivery thread, a child process), failing after a deadline. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The text of the {@code type} part of a multipart/alternative message. */
    public static String part(MimeMessage message, String type) throws Exception {
        if (!message.isMimeType("multipart/alternative")) {
            throw new AssertionError("not multipart/alternative: " + message.getContentType());
        }
        Multipart alternative = (Multipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            Part part = alternative.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no " + type + " part");
    }
}
