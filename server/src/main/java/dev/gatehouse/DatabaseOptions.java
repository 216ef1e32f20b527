package dev.gatehouse;

import dev.gatehouse.db.Database;
import dev.gatehouse.db.DatabaseSettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags that choose the database, shared by every command that opens it. The password is read
 * from the environment only: flags show in the process list.
 */
final class DatabaseOptions {
    static final String PASSWORD_VARIABLE = "GATEHOUSE_DATABASE_PASSWORD";

    @Option(names = "--data-dir", defaultValue = "${env:GATEHOUSE_DATA_DIR:-data}",
            description = "Directory of the embedded database, used when no --database-url is given "
                    + "(env GATEHOUSE_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database-url", defaultValue = "${env:GATEHOUSE_DATABASE_URL}",
            description = "PostgreSQL shared by every node: jdbc:postgresql://host:5432/db or postgres://user@host/db; "
                    + "unset: embedded SQLite in --data-dir (env GATEHOUSE_DATABASE_URL). The password goes in "
                    + "the environment variable " + PASSWORD_VARIABLE + ".")
    String url;

    @Option(names = "--database-user", defaultValue = "${env:GATEHOUSE_DATABASE_USER}",
            description = "PostgreSQL user, if not in the URL (env GATEHOUSE_DATABASE_USER).")
    String user;

    @Option(names = "--database-pool-size", defaultValue = "${env:GATEHOUSE_DATABASE_POOL_SIZE:-10}",
            description = "Most PostgreSQL connections this node opens (env GATEHOUSE_DATABASE_POOL_SIZE, "
                    + "default ${DEFAULT-VALUE}).")
    int poolSize;

    DatabaseSettings settings() {
        if (url == null || url.isBlank()) {
            return DatabaseSettings.embedded();
        }
        return DatabaseSettings.postgres(url.trim(), blankToNull(user), blankToNull(System.getenv(PASSWORD_VARIABLE)), poolSize);
    }

    List<String> problems() {
        return settings().problems();
    }

    Database open() {
        return Database.open(settings(), dataDir);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
