package dev.gatehouse.db;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * What differs between the databases Gatehouse runs on. The SQL in the stores is written to be
 * portable; what cannot be is here, next to the migrations folder of each dialect.
 */
public enum Dialect {
    SQLITE("db/migration/sqlite") {
        @Override
        boolean isUniqueViolationCode(SQLException e) {
            return e instanceof SQLiteException s
                    && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
        }
    };

    private final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    String migrationsLocation() {
        return "classpath:" + migrations;
    }

    abstract boolean isUniqueViolationCode(SQLException e);

    /** True when {@code failure} (or a cause) is a unique-key violation, told by driver code, never by message. */
    public boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState()) || isUniqueViolationCode(sql))) {
                return true;
            }
        }
        return false;
    }
}
