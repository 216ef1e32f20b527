package dev.gatehouse.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, migrated schema and Jdbi handle factory: embedded SQLite, or PostgreSQL
 * shared by several nodes. Every multi-row change goes through {@link #inTransaction}. Thread-safe.
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
     * PostgreSQL writers run side by side; their lock is a no-op.
     */
    private final Lock writeLock;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
        this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock(true) : NoLock.INSTANCE;
    }

    /** The database the settings name: PostgreSQL for a URL, else SQLite in {@code dataDir}. */
    public static Database open(DatabaseSettings settings, Path dataDir) {
        return settings.url() == null ? sqlite(dataDir) : postgres(settings);
    }

    /**
     * Connects to PostgreSQL and migrates it. Flyway holds a PostgreSQL advisory lock while it
     * migrates, so nodes starting together apply each migration once; the others wait, then find
     * the schema current.
     */
    public static Database postgres(DatabaseSettings settings) {
        DatabaseSettings.Jdbc jdbc = settings.jdbc();
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-postgresql");
        config.setJdbcUrl(jdbc.url());
        config.setUsername(jdbc.user());
        config.setPassword(jdbc.password());
        config.setMaximumPoolSize(settings.poolSize());
        // Fail a start-up against an unreachable database in seconds, with the driver's reason.
        config.setInitializationFailTimeout(10_000);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "gatehouse");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new DatabaseUnavailableException("cannot connect to " + settings.describe() + ": " + reason.getMessage(), e);
        }
        return migrated(dataSource, Dialect.POSTGRESQL);
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
        return migrated(new HikariDataSource(config), Dialect.SQLITE);
    }

    private static Database migrated(HikariDataSource dataSource, Dialect dialect) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrationsLocation())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, dialect);
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
