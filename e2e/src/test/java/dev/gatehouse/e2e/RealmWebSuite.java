package dev.gatehouse.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the realm-web compatibility suite ({@code realm-web/compat.test.mjs}) with Node's test
 * runner and the given environment, relaying its report to this JVM's output. The harness
 * variables it reads are described at the top of compat.test.mjs.
 */
final class RealmWebSuite {
    /** The spec reporter's closing counts, such as {@code ℹ pass 29}. */
    private static final Pattern COUNT = Pattern.compile("^\\S*\\s*(tests|pass|fail|skipped) (\\d+)$");
    /** The spec reporter's mark of a skipped test: {@code ﹣ name (0.1ms) # reason}. */
    private static final String SKIP_MARK = "\uFE63";

    /**
     * How the run ended.
     *
     * @param exitCode node's exit status (0: nothing failed)
     * @param counts the report's totals by name ({@code tests}, {@code pass}, {@code fail}, {@code skipped})
     * @param skipped the report's lines of skipped tests, each with its reason
     */
    record Result(int exitCode, Map<String, Integer> counts, List<String> skipped) {
        int count(String name) {
            return counts.getOrDefault(name, -1);
        }
    }

    private RealmWebSuite() {}

    static Result run(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec",
                "--test-concurrency=1", "compat.test.mjs"))
                .directory(Path.of("realm-web").toFile())
                .redirectErrorStream(true);
        node.environment().putAll(environment);
        Process process = node.start();
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        // Relayed through System.out (not inherited): Surefire owns the JVM's stdout channel.
        Thread relay = Thread.ofPlatform().daemon().start(() -> relay(process, counts, skipped));
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
            throw new AssertionError("the node test run did not finish within 5 minutes");
        }
        relay.join(10_000);
        return new Result(process.exitValue(), Map.copyOf(counts), List.copyOf(skipped));
    }

    private static void relay(Process process, Map<String, Integer> counts, List<String> skipped) {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            out.lines().forEach(line -> {
                System.out.println(line);
                Matcher count = COUNT.matcher(line.strip());
                if (count.matches()) {
                    counts.put(count.group(1), Integer.parseInt(count.group(2)));
                } else if (line.strip().startsWith(SKIP_MARK)) {
                    skipped.add(line.strip());
                }
            });
        } catch (IOException e) {
            System.out.println("(node output lost: " + e + ")");
        }
    }
}
