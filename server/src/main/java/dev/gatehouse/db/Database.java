package dev.gatehouse.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, migrated schema and Jdbi handle factory. Every multi-row change goes
 * through {@link #inTransaction}. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    /**
     * SQLite admits one writer at a time and makes the others wait inside native code
     * ({@code busy_timeout}). A virtual thread waiting there pins its carrier thread; with as many
     * waiters as cores, the writer that holds the lock cannot be scheduled to commit, and every
     * writer stalls until the timeout. So writers queue here first, where a virtual thread parks.
     */
    private final ReentrantLock writeLock = new ReentrantLock(true);

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * Opens (creating if needed) the embedded SQLite database in {@code dataDir} and migrates it.
     * WAL with {@code synchronous=FULL}: an acknowledged write survives a crash or power loss.
     * {@code BEGIN IMMEDIATE} transactions take the write lock up front, so two writers wait on
     * {@code busy_timeout} instead of failing on a lock upgrade.
     */
    public static Database sqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-sqlite");
        config.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("gatehouse.db").toAbsolutePath());
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "FULL");
        config.addDataSourceProperty("busy_timeout", "30000");
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        config.setMaximumPoolSize(8);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(Dialect.SQLITE.migrationsLocation())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, Dialect.SQLITE);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code callback} in a write transaction; every write goes through here or {@link #useTransaction}. */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> callback) throws X {
        writeLock.lock();
        try {
            return jdbi.inTransaction(callback);
        } finally {
            writeLock.unlock();
        }
    }

    /** For reads: they run beside writers (WAL) and take no lock. */
    public <R, X extends Exception> R withHandle(HandleCallback<R, X> callback) throws X {
        return jdbi.withHandle(callback);
    }

    /** Runs {@code work} in a write transaction and returns nothing. */
    public void useTransaction(Consumer<Handle> work) {
        inTransaction(h -> {
            work.accept(h);
            return null;
        });
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
