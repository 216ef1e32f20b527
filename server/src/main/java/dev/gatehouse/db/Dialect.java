package dev.gatehouse.db;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * What differs between the databases Gatehouse runs on. The SQL in the stores is written to be
 * portable; what cannot be is here, next to the migrations folder of each dialect.
 */
public enum Dialect {
    SQLITE("db/migration/sqlite", "") {
        @Override
        boolean isUniqueViolationCode(SQLException e) {
            return e instanceof SQLiteException s
                    && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
        }

        @Override
        public void lock(Handle transaction, String key) {
            // Nothing to do: a SQLite write transaction (BEGIN IMMEDIATE) already excludes every other writer.
        }
    },
    POSTGRESQL("db/migration/postgresql", " FOR UPDATE SKIP LOCKED") {
        @Override
        boolean isUniqueViolationCode(SQLException e) {
            return false;  // PostgreSQL reports the standard SQLState, checked for every dialect
        }

        @Override
        public void lock(Handle transaction, String key) {
            // Waits for the lock, then returns one row; the function itself returns void.
            transaction.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))) AS locked")
                    .bind("key", key)
                    .mapTo(Integer.class)
                    .one();
        }
    };

    /** SQLState of a unique-key violation in the SQL standard (PostgreSQL uses it; SQLite has its own codes). */
    private static final String UNIQUE_VIOLATION = "23505";

    private final String migrations;
    private final String skipLocked;

    Dialect(String migrations, String skipLocked) {
        this.migrations = migrations;
        this.skipLocked = skipLocked;
    }

    String migrationsLocation() {
        return "classpath:" + migrations;
    }

    abstract boolean isUniqueViolationCode(SQLException e);

    /**
     * Holds a lock named {@code key} until {@code transaction} ends, for a read-then-write that
     * must not interleave with another node's (such as counting emails before sending one more).
     */
    public abstract void lock(Handle transaction, String key);

    /**
     * The clause that ends a row-claiming {@code SELECT}: with it, concurrent claimers each take
     * different rows instead of waiting for each other. Empty on SQLite, whose writers take turns.
     */
    public String skipLocked() {
        return skipLocked;
    }

    /** True when {@code failure} (or a cause) is a unique-key violation, told by SQLState or driver code, never by message. */
    public boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (UNIQUE_VIOLATION.equals(sql.getSQLState()) || isUniqueViolationCode(sql))) {
                return true;
            }
        }
        return false;
    }
}
