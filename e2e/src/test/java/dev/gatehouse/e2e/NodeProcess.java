package dev.gatehouse.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Gatehouse node: {@code dev.gatehouse.Main serve} in a JVM of its own, started from this JVM's
 * Java and class path, its output in a log file. A real process rather than a second server in this
 * JVM, so that nodes share nothing but the database, as separate machines would.
 */
final class NodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private NodeProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Launches {@code gatehouse serve --host 127.0.0.1 --port <port> <serveArguments>} and returns
     * at once; {@link #awaitReady} waits for it to answer.
     */
    static NodeProcess launch(String name, int port, List<String> serveArguments, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        // Small heaps, serial GC and C1 only: three of these share two cores with PostgreSQL, Node and the test.
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.Main", "serve", "--host", "127.0.0.1", "--port", Integer.toString(port)));
        command.addAll(serveArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Every flag has an environment twin; none from the developer's shell may leak into a node.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("GATEHOUSE_"));
        return new NodeProcess(name, port, log, builder.start());
    }

    String name() {
        return name;
    }

    /** The node's own address (not the public URL it announces). */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Polls {@code GET /api/client/v2.0/app/<appId>/location} until it answers 200. */
    void awaitReady(String appId, Duration timeout) {
        URI location = URI.create(url() + "/api/client/v2.0/app/" + appId + "/location");
        Await.until(name + " to answer on " + location, timeout, () -> {
            requireAlive();
            try {
                return HTTP.send(HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** Throws, with the end of its log, if the node has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with status " + process.exitValue() + "; its log ends:\n" + logTail(60));
        }
    }

    Path log() {
        return log;
    }

    /** The last {@code lines} lines of the node's output. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the node (SIGTERM, so its shutdown hook closes the server), and any child it started; forcibly if it hangs. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (" + url() + ")";
    }
}
