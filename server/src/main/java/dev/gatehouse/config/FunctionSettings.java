package dev.gatehouse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Limits and permissions for confirmation and reset functions (JavaScript, webhooks, Java).
 *
 * @param timeout wall-clock limit of one call, of any kind
 * @param statementLimit most JavaScript statements one call may run
 * @param maxAllocatedBytes most bytes one JavaScript call may allocate (a bound on its memory)
 * @param concurrency JavaScript calls run at once; more wait for a free runner
 * @param httpAllowList hosts {@code context.http} may reach: {@code host}, {@code host:port} or
 *     {@code *.domain}; empty refuses every request
 * @param secrets secret values by name, for {@code from_secret} values and webhook signatures
 *     (from {@code GATEHOUSE_SECRET_<name>} environment variables)
 */
public record FunctionSettings(Duration timeout, long statementLimit, long maxAllocatedBytes, int concurrency,
                               List<String> httpAllowList, Map<String, String> secrets) {
    private static final Pattern HOST_ENTRY = Pattern.compile("(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    public FunctionSettings {
        httpAllowList = List.copyOf(httpAllowList);
        secrets = Map.copyOf(secrets);
    }

    public static FunctionSettings defaults() {
        return new FunctionSettings(Duration.ofSeconds(10), 10_000_000, 256L * 1024 * 1024,
                Math.max(2, Runtime.getRuntime().availableProcessors()), List.of(), Map.of());
    }

    public FunctionSettings withTimeout(Duration newTimeout) {
        return new FunctionSettings(newTimeout, statementLimit, maxAllocatedBytes, concurrency, httpAllowList, secrets);
    }

    public FunctionSettings withLimits(long statements, long allocatedBytes) {
        return new FunctionSettings(timeout, statements, allocatedBytes, concurrency, httpAllowList, secrets);
    }

    public FunctionSettings withHttpAllowList(List<String> hosts) {
        return new FunctionSettings(timeout, statementLimit, maxAllocatedBytes, concurrency, hosts, secrets);
    }

    public FunctionSettings withSecrets(Map<String, String> newSecrets) {
        return new FunctionSettings(timeout, statementLimit, maxAllocatedBytes, concurrency, httpAllowList, newSecrets);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (timeout.toMillis() < 10 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add("function timeout must be between 10ms and 5 minutes, got " + timeout);
        }
        if (statementLimit < 1000) {
            problems.add("function statement limit must be at least 1000, got " + statementLimit);
        }
        if (maxAllocatedBytes < 1024 * 1024) {
            problems.add("function memory limit must be at least 1 MiB, got " + maxAllocatedBytes + " bytes");
        }
        if (concurrency < 1 || concurrency > 1024) {
            problems.add("function concurrency must be between 1 and 1024, got " + concurrency);
        }
        for (String host : httpAllowList) {
            if (!HOST_ENTRY.matcher(host).matches()) {
                problems.add("function HTTP allow-list entry '" + host + "' must be host, host:port or *.domain");
            }
        }
        return problems;
    }
}
