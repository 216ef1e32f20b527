package dev.gatehouse;

import dev.gatehouse.config.Durations;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse hash}: password hashing cost, for operators. */
@Command(name = "hash", mixinStandardHelpOptions = true, description = "Tune password hashing.",
        subcommands = HashCommand.Calibrate.class)
final class HashCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code gatehouse hash calibrate}: raises Argon2id's cost from OWASP's minimum (19 MiB, two
     * passes) while a real hash on this machine stays within the target: memory first, since it is
     * what makes guessing on GPUs dear, then passes. It never proposes less than the minimum, even
     * when the minimum alone takes longer than the target.
     */
    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = "Measure Argon2id here and print the --argon2-* flags that take about the target time per hash.")
    static final class Calibrate implements Callable<Integer> {
        /** Hashes timed per candidate; the median is kept, so one slow run (a GC, a neighbour) does not decide. */
        private static final int SAMPLES = 3;

        @Option(names = "--target", defaultValue = "250ms", description = "Time one hash may take (default ${DEFAULT-VALUE}).")
        String target;

        @Option(names = "--max-memory-mib", defaultValue = "256",
                description = "Most memory one hash may use; each login in flight uses this much (default ${DEFAULT-VALUE}).")
        int maxMemoryMib;

        @Option(names = "--parallelism", defaultValue = "1", description = "Argon2id lanes (default ${DEFAULT-VALUE}).")
        int parallelism;

        @Override
        public Integer call() {
            List<String> problems = new ArrayList<>();
            Duration goal = Durations.parse("--target", target, problems);
            HashParameters floor = new HashParameters(HashParameters.OWASP.memoryKib(), HashParameters.OWASP.iterations(),
                    parallelism);
            problems.addAll(floor.problems());
            long maxKib = (long) maxMemoryMib * 1024;
            if (maxKib < floor.memoryKib() || maxKib > 4_194_304) {
                problems.add("--max-memory-mib must be between 19 (OWASP's minimum) and 4096, got " + maxMemoryMib);
            }
            if (!problems.isEmpty()) {
                problems.forEach(System.err::println);
                return 2;
            }
            HashParameters chosen = floor;
            Duration chosenTime = measure(floor);
            // Memory doubles while the hash stays within the target and the memory cap.
            while (chosenTime.compareTo(goal) < 0 && chosen.memoryKib() < maxKib) {
                HashParameters next = new HashParameters((int) Math.min(maxKib, chosen.memoryKib() * 2L),
                        chosen.iterations(), parallelism);
                Duration time = measure(next);
                if (time.compareTo(goal) > 0) {
                    break;
                }
                chosen = next;
                chosenTime = time;
            }
            // Then passes, one at a time, up to the most the server accepts.
            while (chosenTime.compareTo(goal) < 0 && chosen.iterations() < 100) {
                HashParameters next = new HashParameters(chosen.memoryKib(), chosen.iterations() + 1, parallelism);
                Duration time = measure(next);
                if (time.compareTo(goal) > 0) {
                    break;
                }
                chosen = next;
                chosenTime = time;
            }
            if (chosenTime.compareTo(goal) > 0) {
                System.err.println("note: OWASP's minimum alone takes longer than the target here; it is not lowered");
            }
            System.out.println("--argon2-memory-kib " + chosen.memoryKib() + " --argon2-iterations " + chosen.iterations()
                    + " --argon2-parallelism " + chosen.parallelism());
            System.out.println("# one hash took about " + chosenTime.toMillis() + " ms here (target " + goal.toMillis()
                    + " ms), Argon2id " + PasswordHasher.processImplementation()
                    + "; a server whose Argon2id differs (another CPU, gatehouse.argon2) needs its own calibration");
            return 0;
        }

        private static Duration measure(HashParameters parameters) {
            System.err.print("measuring m=" + parameters.memoryKib() + " KiB, t=" + parameters.iterations()
                    + ", p=" + parameters.parallelism() + " ... ");
            System.err.flush();
            PasswordHasher hasher = new PasswordHasher(parameters, new SecureRandom());  // its decoy hash warms up too
            long[] nanos = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long start = System.nanoTime();
                hasher.hash("calibration-password");
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            Duration median = Duration.ofNanos(nanos[SAMPLES / 2]);
            System.err.println(median.toMillis() + " ms");
            return median;
        }
    }
}
