package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.mail.MailTestSupport;
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
 * A Gatehouse server in a child JVM of this test's Java and class path, for the tests that kill it
 * with SIGKILL: a server in the test's own JVM cannot die without running its shutdown hooks. Keeps
 * every log it started, to attach to a failure.
 */
public final class ChildServer {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Path> logs = new ArrayList<>();

    /**
     * Runs {@code mainClass arguments} with a small serial heap, its output in {@code log}, and waits
     * until {@code readyUrl} answers 200.
     */
    public Process start(String mainClass, List<String> arguments, Path log, String readyUrl, Duration timeout)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        logs.add(log);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            MailTestSupport.await(readyUrl + " to answer", timeout, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited with " + process.exitValue());
                }
                try {
                    return HTTP.send(HttpRequest.newBuilder(URI.create(readyUrl)).timeout(Duration.ofSeconds(2)).GET()
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        } catch (Throwable t) {
            process.destroyForcibly();
            throw t;
        }
        return process;
    }

    /** SIGKILL on Linux: no shutdown hook runs. Nothing for a null or dead process. */
    public static void kill(Process process) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed server exits").isTrue();
    }

    /** The java command running this test. */
    public static String java() {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
    }

    /** The failure, with the end of every log this started attached. */
    public Throwable withLogs(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            text.append("\n===== ").append(log.getFileName()).append(" =====\n");
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(l -> text.append(l).append('\n'));
            } catch (IOException e) {
                text.append("(unreadable: ").append(e).append(")\n");
            }
        }
        failure.addSuppressed(new AssertionError("server output:" + text));
        return failure;
    }
}
