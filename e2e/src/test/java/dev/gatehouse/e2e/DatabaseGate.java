package dev.gatehouse.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of PostgreSQL that holds every connection until it is opened, then relays
 * them all at once, and relays later connections at once. Nodes that start together reach the
 * database seconds apart on a busy machine (JVM start-up); held at the gate until each has
 * connected, they begin their migrations in the same instant, so that Flyway's lock is contended
 * for real. A connection waits at the gate inside the driver's login, so the nodes' database URL
 * carries a {@code loginTimeout} longer than the wait.
 */
final class DatabaseGate implements AutoCloseable {
    private final ServerSocket listener;
    private final int postgresPort;
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private DatabaseGate(ServerSocket listener, int postgresPort) {
        this.listener = listener;
        this.postgresPort = postgresPort;
    }

    /** A closed gate on a free loopback port, in front of PostgreSQL on {@code postgresPort}. */
    static DatabaseGate start(int postgresPort) throws IOException {
        DatabaseGate gate = new DatabaseGate(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), postgresPort);
        gate.threads.execute(gate::accept);
        return gate;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections waiting at the closed gate, or that waited there before it opened. */
    int held() {
        return held.get();
    }

    void open() {
        open.countDown();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (open.getCount() > 0) {
                    held.incrementAndGet();
                }
                threads.execute(() -> relay(client));
            } catch (IOException e) {
                return;  // closed
            }
        }
    }

    private void relay(Socket client) {
        try {
            open.await();
            Socket postgres = new Socket(InetAddress.getLoopbackAddress(), postgresPort);
            sockets.add(postgres);
            threads.execute(() -> pipe(postgres, client));
            pipe(client, postgres);
        } catch (IOException e) {
            closeQuietly(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(client);
        }
    }

    /** Copies until {@code from} ends, then closes both sides, which ends the other direction too. */
    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away; closing both below ends the relay.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        open.countDown();
        closeQuietly(listener);
        sockets.forEach(DatabaseGate::closeQuietly);
        threads.shutdownNow();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
