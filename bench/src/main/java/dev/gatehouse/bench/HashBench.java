package dev.gatehouse.bench;

import dev.gatehouse.password.HashBenchmarks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * bench/run-hash: runs dev.gatehouse.password.HashBenchmarks under JMH and prints each way's
 * ms/hash and its ratio to the -march=native reference measured in the same run. Then, because
 * JMH runs one benchmark after the other and a shared machine's load moves in between, an
 * interleaved pass in this JVM: each round hashes once each way, back to back in rotating order,
 * and the ratio is the median of the per-round ratios, which load that changes slowly cancels out of.
 *
 * <pre>HashBench &lt;reference .so&gt; [forks] [warm-up iterations] [measured iterations] [rounds]</pre>
 * Defaults 2, 3, 5, 60: every JMH iteration lasts 2 s, so about 40 s per benchmark, five
 * benchmarks, about 4 minutes in all; the interleaved rounds add seconds.
 */
public final class HashBench {
    private HashBench() {}

    public static void main(String[] args) throws RunnerException {
        String reference = args[0];
        int forks = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        System.setProperty("gatehouse.bench.reference", reference);
        Options options = new OptionsBuilder()
                .include("dev\\.gatehouse\\.password\\.HashBenchmarks\\.")
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(2))
                .threads(1)
                .jvmArgsAppend("-Dgatehouse.bench.reference=" + reference, "--enable-native-access=ALL-UNNAMED",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xmx1g")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            var primary = result.getPrimaryResult();
            scores.put(label, new double[] {primary.getScore(), primary.getScoreError()});
        }
        double baseline = scores.get("referenceMarchNative")[0];
        List<String> order = new ArrayList<>(List.of("referenceMarchNative", "gatehouseNative", "passwordHasherVerify",
                "argon2Jvm", "bouncyCastle"));
        order.retainAll(scores.keySet());
        System.out.printf("%nArgon2id m=19456 KiB, t=2, p=1, 32-byte tag, one thread; %s %s, %d CPUs%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("JMH (%d forks x %d iterations of 2 s each):%n", forks, iterations);
        System.out.printf("%-22s %10s %10s %8s%n", "benchmark", "ms/hash", "± (99.9%)", "ratio");
        for (String label : order) {
            double[] s = scores.get(label);
            System.out.printf("%-22s %10.2f %10.2f %7.2fx%n", label, s[0], s[1], s[0] / baseline);
        }
        interleaved(rounds);
    }

    private static void interleaved(int rounds) {
        HashBenchmarks b = new HashBenchmarks();
        b.setUp();
        Map<String, Supplier<Object>> ways = new LinkedHashMap<>();
        ways.put("referenceMarchNative", b::referenceMarchNative);
        ways.put("gatehouseNative", b::gatehouseNative);
        ways.put("passwordHasherVerify", b::passwordHasherVerify);
        ways.put("argon2Jvm", b::argon2Jvm);
        ways.put("bouncyCastle", b::bouncyCastle);
        List<String> names = new ArrayList<>(ways.keySet());
        int warmup = 10;
        double[][] ms = new double[names.size()][rounds];
        for (int round = -warmup; round < rounds; round++) {
            for (int k = 0; k < names.size(); k++) {
                int i = Math.floorMod(round + k, names.size());  // rotate, so none always runs first
                long start = System.nanoTime();
                Object result = ways.get(names.get(i)).get();
                long elapsed = System.nanoTime() - start;
                if (result == null) {
                    throw new IllegalStateException(names.get(i) + " returned nothing");
                }
                if (round >= 0) {
                    ms[i][round] = elapsed / 1e6;
                }
            }
        }
        System.out.printf("%nInterleaved (%d rounds after %d warm-up rounds, one hash each way per round):%n", rounds, warmup);
        System.out.printf("%-22s %10s %10s %8s%n", "way", "median ms", "min ms", "ratio");
        for (int i = 0; i < names.size(); i++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = ms[i][r] / ms[0][r];
            }
            System.out.printf("%-22s %10.2f %10.2f %7.2fx%n", names.get(i), median(ms[i]),
                    Arrays.stream(ms[i]).min().orElseThrow(), median(ratios));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
