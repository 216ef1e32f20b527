package dev.gatehouse;

import dev.gatehouse.db.Database;
import dev.gatehouse.db.DatabaseCopy;
import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.db.DatabaseUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse db copy}: moves a deployment from the embedded SQLite database to PostgreSQL.
 * The source is chosen as for every command ({@code --data-dir}); the target by {@code --to-*}.
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Move the data to another database.",
        subcommands = {DbCommand.Copy.class})
final class DbCommand {
    static final String TO_PASSWORD_VARIABLE = "GATEHOUSE_TO_DATABASE_PASSWORD";

    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = "Copy every user, session, signing key, pending token, queued email and admin into a new, "
                    + "empty PostgreSQL database, in one transaction. Stop the server first. Issued tokens stay valid.")
    static final class Copy implements Callable<Integer> {
        @Mixin
        DatabaseOptions source;

        @Option(names = "--to-database-url", required = true,
                description = "The PostgreSQL database to copy into: jdbc:postgresql://host:5432/db or postgres://user@host/db. "
                        + "Its password goes in the environment variable " + TO_PASSWORD_VARIABLE + ".")
        String toUrl;

        @Option(names = "--to-database-user", description = "The target's user, if not in the URL.")
        String toUser;

        @Override
        public Integer call() {
            String password = System.getenv(TO_PASSWORD_VARIABLE);
            DatabaseSettings target = DatabaseSettings.postgres(toUrl.trim(), DatabaseOptions.blankToNull(toUser),
                    DatabaseOptions.blankToNull(password), 2);
            List<String> problems = new ArrayList<>(source.problems());
            problems.addAll(target.problems());
            if (!problems.isEmpty()) {
                problems.forEach(System.err::println);
                return 2;
            }
            try (Database from = source.open(); Database to = Database.postgres(target)) {
                Map<String, Long> copied = DatabaseCopy.copy(from, to);
                copied.forEach((table, rows) -> System.out.println(table + ": " + rows));
                System.out.println("copied " + copied.values().stream().mapToLong(Long::longValue).sum() + " rows into "
                        + target.describe() + "; start the nodes with --database-url");
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | DatabaseUnavailableException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }
}
