package dev.gatehouse.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's mail as the dev mailbox shows it ({@code GET /dev/mailbox/<app>?email=..&limit=..}:
 * {@code {"messages": [...]}}, newest first, each with the token and tokenId of its link), read
 * from what the nodes' SMTP servers received. Nodes with SMTP serve no dev mailbox, and the realm-web
 * suite reads its tokens from one; this serves it from the harness at {@code /mailbox/<app>}.
 *
 * <p>Delivery is asynchronous (the outbox), so a read first waits until the outbox holds no queued
 * message to that address and every message it marked sent has arrived: a test that just registered
 * sees its mail, as with the dev mailbox, which stores it in the request's transaction.
 */
final class ClusterMailbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern URL = Pattern.compile("https?://\\S+");
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final Cluster cluster;
    /** Parsed messages by Message-ID; the first copy wins (duplicates are the final check's business). */
    private final Map<String, Mail> parsed = new ConcurrentHashMap<>();

    ClusterMailbox(Cluster cluster) {
        this.cluster = cluster;
    }

    /** One received message in the dev mailbox's terms. */
    record Mail(String id, int node, String to, String subject, String text, String html, String link, String token,
                String tokenId) {}

    /** The outbox id in a Message-ID such as {@code <id@gatehouse.test>} (see the server's SmtpTransport). */
    static String outboxId(String messageId) {
        return messageId.substring(messageId.indexOf('<') + 1, messageId.indexOf('@'));
    }

    /** The newest {@code limit} messages to {@code email} in {@code appId}, newest first, once delivered. */
    List<Map<String, Object>> latest(String appId, String email, int limit) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Mail> received = new LinkedHashMap<>();
        Await.until("the outbox to deliver the mail to " + email, DELIVERY_TIMEOUT, () -> {
            rows.clear();
            rows.addAll(cluster.rows("SELECT id, kind, status, language FROM outbox WHERE app_id = ? AND recipient = ? "
                    + "ORDER BY seq DESC", appId, email));
            if (rows.stream().anyMatch(row -> row.get("status").equals("queued"))) {
                return false;
            }
            received.clear();
            received.putAll(receivedByOutboxId());
            return rows.stream().filter(row -> row.get("status").equals("sent"))
                    .allMatch(row -> received.containsKey((String) row.get("id")));
        }, () -> rows.toString());
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Mail mail = received.get((String) row.get("id"));
            if (mail == null || messages.size() == limit) {
                continue;  // parked, so never sent; or beyond the limit
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", mail.id());
            message.put("to", mail.to());
            message.put("kind", ((String) row.get("kind")).toLowerCase(Locale.ROOT));
            message.put("subject", mail.subject());
            message.put("language", row.get("language"));
            message.put("text", mail.text());
            message.put("html", mail.html());
            message.put("link", mail.link());
            message.put("token", mail.token());
            message.put("tokenId", mail.tokenId());
            message.put("node", mail.node());
            messages.add(message);
        }
        return messages;
    }

    /** Every received message, parsed, by the outbox id in its Message-ID. */
    Map<String, Mail> receivedByOutboxId() {
        Map<String, Mail> byId = new LinkedHashMap<>();
        for (Cluster.Received received : cluster.received()) {
            try {
                String messageId = received.message().getMessageID();
                Mail mail = parsed.computeIfAbsent(messageId, id -> parse(received.node(), id, received.message()));
                byId.putIfAbsent(mail.id(), mail);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return byId;
    }

    private static Mail parse(int node, String messageId, MimeMessage message) {
        try {
            String text = part(message, "text/plain");
            Matcher url = URL.matcher(text);
            String link = null;
            while (url.find() && link == null) {
                if (url.group().contains("tokenId=")) {
                    link = url.group();
                }
            }
            Map<String, String> query = link == null ? Map.of() : queryParameters(link);
            return new Mail(outboxId(messageId), node, message.getAllRecipients()[0].toString(), message.getSubject(),
                    text, part(message, "text/html"), link, query.get("token"), query.get("tokenId"));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read message " + messageId, e);
        }
    }

    /** The decoded text of the {@code type} part of a multipart/alternative message. */
    private static String part(MimeMessage message, String type) throws MessagingException, IOException {
        Multipart alternative = (Multipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            Part part = alternative.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
        }
        throw new IllegalStateException("no " + type + " part in " + message.getMessageID());
    }

    private static Map<String, String> queryParameters(String link) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = URI.create(link).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    /** {@code GET /mailbox/<app>?email=..&limit=..}, the dev mailbox's reply shape. */
    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String app = URLDecoder.decode(exchange.getRequestURI().getRawPath().replaceFirst("^/mailbox/", ""),
                    StandardCharsets.UTF_8);
            Map<String, String> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            int status;
            byte[] body;
            try {
                int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
                body = JSON.writeValueAsBytes(Map.of("messages", latest(app, query.get("email"), limit)));
                status = 200;
            } catch (RuntimeException | AssertionError e) {
                body = JSON.writeValueAsBytes(Map.of("error", String.valueOf(e.getMessage())));
                status = 500;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
