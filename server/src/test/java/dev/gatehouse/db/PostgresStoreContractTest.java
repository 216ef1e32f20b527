package dev.gatehouse.db;

import dev.gatehouse.testing.EmbeddedPostgres;

/** The store contract on a real PostgreSQL, a fresh database per test. */
class PostgresStoreContractTest extends StoreContract {
    private DatabaseSettings settings;

    @Override
    Database openFresh() {
        settings = EmbeddedPostgres.shared().newDatabase();
        return Database.postgres(settings);
    }

    @Override
    Database reopen() {
        return Database.postgres(settings);
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.POSTGRESQL;
    }
}
