package dev.gatehouse.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The least an SMTP server must do: answer every command with success, read DATA up to the lone
 * dot, count the message and throw it away. No parsing, no storage, so it costs the sender as
 * little as a server can. One thread per connection.
 */
final class RawSmtpSink implements Sink {
    private final ServerSocket server;
    private final Thread acceptor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private int received;
    private volatile String sample;

    RawSmtpSink(int port) {
        try {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port, e);
        }
        acceptor = Thread.ofPlatform().name("raw-smtp-accept").daemon().start(this::accept);
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofPlatform().name("raw-smtp").daemon().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1), 16_384);
            OutputStream out = socket.getOutputStream();
            reply(out, "220 sink ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-sink\r\n250 8BITMIME\r\n");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK\r\n");
                    case "DATA" -> {
                        reply(out, "354 go ahead\r\n");
                        StringBuilder message = sample == null ? new StringBuilder(4096) : null;
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            if (message != null) {
                                message.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                            }
                        }
                        if (line == null) {
                            return; // the client went away mid-message: not delivered
                        }
                        if (message != null && sample == null) {
                            sample = message.toString();
                        }
                        reply(out, "250 OK queued\r\n");
                        count();
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye\r\n");
                        return;
                    }
                    default -> reply(out, "500 unknown command\r\n");
                }
            }
        } catch (IOException e) {
            // The client dropped the connection; nothing to count.
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void count() {
        lock.lock();
        try {
            received++;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean await(int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (received < count) {
                if (left <= 0) {
                    return false;
                }
                left = arrived.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String sample() {
        return sample;
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
