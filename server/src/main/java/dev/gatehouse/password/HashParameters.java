package dev.gatehouse.password;

import java.util.ArrayList;
import java.util.List;

/**
 * Argon2id cost parameters. The default is OWASP's first recommendation (m = 19 MiB, t = 2, p = 1).
 *
 * @param memoryKib memory in KiB
 * @param iterations passes over memory
 * @param parallelism lanes
 */
public record HashParameters(int memoryKib, int iterations, int parallelism) {
    public static final HashParameters OWASP = new HashParameters(19_456, 2, 1);

    /** Problems with these values, empty when they are usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (parallelism < 1 || parallelism > 64) {
            problems.add("argon2 parallelism must be between 1 and 64, got " + parallelism);
        }
        if (memoryKib < 8 * Math.max(parallelism, 1) || memoryKib > 4_194_304) {
            problems.add("argon2 memory must be between 8*parallelism KiB and 4 GiB, got " + memoryKib + " KiB");
        }
        if (iterations < 1 || iterations > 100) {
            problems.add("argon2 iterations must be between 1 and 100, got " + iterations);
        }
        return problems;
    }
}
