package dev.gatehouse.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small but real SMTP server for what GreenMail lacks: STARTTLS (with GreenMail's bundled
 * self-signed certificate), AUTH only after TLS when asked, and 550 refusals of chosen recipients.
 * It records each accepted message with how it arrived. One connection at a time, on loopback.
 */
final class StartTlsSmtpServer implements AutoCloseable {
    record Received(String from, List<String> to, String data, boolean tls, String user) {}

    private final ServerSocket socket;
    private final SSLContext tls;
    private final boolean requireTlsAndAuth;
    private final String username;
    private final String password;
    private final String refusedRecipient;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    StartTlsSmtpServer(boolean requireTlsAndAuth, String username, String password, String refusedRecipient) throws Exception {
        this.requireTlsAndAuth = requireTlsAndAuth;
        this.username = username;
        this.password = password;
        this.refusedRecipient = refusedRecipient;
        this.tls = sslContext();
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = Thread.ofPlatform().daemon().name("test-smtp").start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    private static SSLContext sslContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = StartTlsSmtpServer.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private void accept() {
        while (running) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket current = plain;
        BufferedReader in = reader(current);
        PrintWriter out = writer(current.getOutputStream());
        boolean secured = false;
        String user = null;
        String from = null;
        List<String> to = new CopyOnWriteArrayList<>();
        out.print("220 test.local ESMTP\r\n");
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                out.print("250-test.local\r\n" + (secured ? "" : "250-STARTTLS\r\n")
                        + (secured || !requireTlsAndAuth ? "250-AUTH LOGIN PLAIN\r\n" : "") + "250 8BITMIME\r\n");
            } else if (upper.equals("STARTTLS")) {
                out.print("220 go ahead\r\n");
                out.flush();
                SSLSocket wrapped = (SSLSocket) tls.getSocketFactory().createSocket(current, null, current.getPort(), true);
                wrapped.setUseClientMode(false);
                wrapped.startHandshake();
                current = wrapped;
                in = reader(current);
                out = writer(current.getOutputStream());
                secured = true;
                continue;
            } else if (upper.startsWith("AUTH PLAIN")) {
                String encoded = line.length() > 11 ? line.substring(11).trim() : prompt(in, out, "");
                String[] parts = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).split("\0");
                user = authenticate(out, parts[1], parts[2]);
            } else if (upper.startsWith("AUTH LOGIN")) {
                String name = decode(prompt(in, out, "VXNlcm5hbWU6"));
                String pass = decode(prompt(in, out, "UGFzc3dvcmQ6"));
                user = authenticate(out, name, pass);
            } else if (upper.startsWith("MAIL FROM:")) {
                if (requireTlsAndAuth && (!secured || user == null)) {
                    out.print("530 5.7.0 Must issue STARTTLS and authenticate first\r\n");
                } else {
                    from = line.substring(10).trim();
                    to.clear();
                    out.print("250 ok\r\n");
                }
            } else if (upper.startsWith("RCPT TO:")) {
                String rcpt = line.substring(8).trim();
                if (refusedRecipient != null && rcpt.contains(refusedRecipient)) {
                    out.print("550 5.1.1 mailbox unavailable\r\n");
                } else {
                    to.add(rcpt);
                    out.print("250 ok\r\n");
                }
            } else if (upper.equals("DATA")) {
                out.print("354 end with .\r\n");
                out.flush();
                StringBuilder data = new StringBuilder();
                String d;
                while ((d = in.readLine()) != null && !d.equals(".")) {
                    data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                }
                received.add(new Received(from, List.copyOf(to), data.toString(), secured, user));
                out.print("250 queued\r\n");
            } else if (upper.equals("QUIT")) {
                out.print("221 bye\r\n");
                out.flush();
                return;
            } else {
                out.print("250 ok\r\n");
            }
            out.flush();
        }
    }

    private String authenticate(PrintWriter out, String name, String pass) {
        if (name.equals(username) && pass.equals(password)) {
            out.print("235 2.7.0 authenticated\r\n");
            return name;
        }
        out.print("535 5.7.8 bad credentials\r\n");
        return null;
    }

    private static String prompt(BufferedReader in, PrintWriter out, String challenge) throws IOException {
        out.print("334 " + challenge + "\r\n");
        out.flush();
        return in.readLine();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static PrintWriter writer(OutputStream out) {
        return new PrintWriter(out, false, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
