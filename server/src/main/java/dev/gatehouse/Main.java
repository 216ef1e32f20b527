package dev.gatehouse;

import dev.gatehouse.config.Durations;
import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.password.HashParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code gatehouse} command line. Every flag has an environment variable of the same meaning. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "Gatehouse 0.1.0",
        description = "Self-hosted App Services Email/Password authentication server.",
        subcommands = {Main.Serve.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code gatehouse serve}: runs the server until it is stopped. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server. With no --app, serves a default app 'gatehouse-local'.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "${env:GATEHOUSE_HOST:-127.0.0.1}",
                description = "Interface to bind (env GATEHOUSE_HOST, default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:GATEHOUSE_PORT:-8080}",
                description = "Port; 0 picks a free one (env GATEHOUSE_PORT, default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--public-url", defaultValue = "${env:GATEHOUSE_PUBLIC_URL}",
                description = "Externally reachable origin, sent to SDKs as 'hostname' and used in email links "
                        + "(env GATEHOUSE_PUBLIC_URL, default http://localhost:<port>).")
        String publicUrl;

        @Option(names = "--data-dir", defaultValue = "${env:GATEHOUSE_DATA_DIR:-data}",
                description = "Directory of the embedded database (env GATEHOUSE_DATA_DIR, default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--app", split = ",", defaultValue = "${env:GATEHOUSE_APPS}",
                description = "App Services export directory; repeat or comma-separate for several apps (env GATEHOUSE_APPS).")
        List<Path> apps = new ArrayList<>();

        @Option(names = "--access-token-ttl", defaultValue = "${env:GATEHOUSE_ACCESS_TOKEN_TTL:-30m}",
                description = "Access token lifetime (env GATEHOUSE_ACCESS_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String accessTtl;

        @Option(names = "--refresh-token-ttl", defaultValue = "${env:GATEHOUSE_REFRESH_TOKEN_TTL:-60d}",
                description = "Refresh token lifetime (env GATEHOUSE_REFRESH_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String refreshTtl;

        @Option(names = "--user-token-ttl", defaultValue = "${env:GATEHOUSE_USER_TOKEN_TTL:-30m}",
                description = "Confirmation and reset link lifetime (env GATEHOUSE_USER_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String userTokenTtl;

        @Option(names = "--argon2-memory-kib", defaultValue = "${env:GATEHOUSE_ARGON2_MEMORY_KIB:-19456}",
                description = "Argon2id memory in KiB (env GATEHOUSE_ARGON2_MEMORY_KIB, default ${DEFAULT-VALUE}).")
        int argonMemory;

        @Option(names = "--argon2-iterations", defaultValue = "${env:GATEHOUSE_ARGON2_ITERATIONS:-2}",
                description = "Argon2id iterations (env GATEHOUSE_ARGON2_ITERATIONS, default ${DEFAULT-VALUE}).")
        int argonIterations;

        @Option(names = "--argon2-parallelism", defaultValue = "${env:GATEHOUSE_ARGON2_PARALLELISM:-1}",
                description = "Argon2id lanes (env GATEHOUSE_ARGON2_PARALLELISM, default ${DEFAULT-VALUE}).")
        int argonParallelism;

        @Option(names = "--max-request-bytes", defaultValue = "${env:GATEHOUSE_MAX_REQUEST_BYTES:-65536}",
                description = "Largest request body (env GATEHOUSE_MAX_REQUEST_BYTES, default ${DEFAULT-VALUE}).")
        long maxRequestBytes;

        @Option(names = "--dev-mailbox-remote", defaultValue = "${env:GATEHOUSE_DEV_MAILBOX_REMOTE:-false}",
                description = "Serve the dev mailbox to non-loopback clients (env GATEHOUSE_DEV_MAILBOX_REMOTE, default ${DEFAULT-VALUE}).")
        boolean devMailboxRemote;

        @Override
        public Integer call() throws InterruptedException {
            List<String> problems = new ArrayList<>();
            Duration access = Durations.parse("access token lifetime", accessTtl, problems);
            Duration refresh = Durations.parse("refresh token lifetime", refreshTtl, problems);
            Duration userToken = Durations.parse("confirmation/reset token lifetime", userTokenTtl, problems);
            if (!problems.isEmpty()) {
                return refuse(problems);
            }
            ServerConfig config = new ServerConfig(host, port, blankToNull(publicUrl), dataDir,
                    apps == null ? List.of() : apps, access, refresh, userToken,
                    new HashParameters(argonMemory, argonIterations, argonParallelism), maxRequestBytes, devMailboxRemote);
            Gatehouse server;
            try {
                server = Gatehouse.start(config);
            } catch (InvalidConfigException e) {
                return refuse(e.problems());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "gatehouse-shutdown"));
            // Serve until the JVM is asked to stop (Ctrl-C, SIGTERM); the hook closes the server.
            stopped.await();
            return 0;
        }

        private static int refuse(List<String> problems) {
            System.err.println("Gatehouse cannot start; fix these problems:");
            problems.forEach(p -> System.err.println("  - " + p));
            return 2;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
