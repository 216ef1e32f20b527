package dev.gatehouse;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.function.Functions;
import dev.gatehouse.function.JavaFunctions;
import dev.gatehouse.token.Ids;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatehouse app}: checks App Services exports before a server is started on them. */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Check App Services exports.",
        subcommands = AppCommand.Validate.class)
final class AppCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code gatehouse app validate}: loads the exports as {@code serve} does at start-up, with the
     * same code, functions, email templates and page texts included, so "ok" here means that part of start-up
     * will pass. Secrets come from the same GATEHOUSE_SECRET_* variables.
     */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Load App Services exports as the server would; print every problem (exit 2) or a summary (exit 0).")
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "<export-dir>", description = "Export directories, as given to serve --app.")
        List<Path> dirs;

        @Override
        public Integer call() {
            List<String> problems = new ArrayList<>();
            List<AppConfig> apps = Gatehouse.loadApps(dirs, JavaFunctions.none(), problems).apps();
            FunctionSettings settings = FunctionSettings.defaults()
                    .withSecrets(Main.Serve.secretsFromEnvironment(System.getenv()));
            Clock clock = Clock.systemUTC();
            // Loaded for their problems only (a script that does not compile, a webhook without its
            // secret), then closed at once.
            Functions.load(apps, JavaFunctions.none(), settings, clock, new Ids(clock, new SecureRandom()), problems).close();
            if (!problems.isEmpty()) {
                System.err.println(problems.size() + " problem(s):");
                problems.forEach(p -> System.err.println("  - " + p));
                return 2;
            }
            for (AppConfig app : apps) {
                System.out.println("ok: app '" + app.name() + "' (client app id " + app.clientAppId() + ") from "
                        + app.directory() + ", " + app.functions().size() + " function(s)");
            }
            return 0;
        }
    }
}
