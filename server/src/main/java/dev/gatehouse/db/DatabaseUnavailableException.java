package dev.gatehouse.db;

/**
 * The configured database cannot be reached or logged into at start-up. Its message says which
 * database (password masked) and the driver's reason, which is all an operator needs; the command
 * line prints it without a stack trace.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
