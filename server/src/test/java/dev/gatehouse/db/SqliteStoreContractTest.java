package dev.gatehouse.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite database. */
class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    Database openFresh() {
        return Database.sqlite(dir);
    }

    @Override
    Database reopen() {
        return Database.sqlite(dir);
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.SQLITE;
    }
}
