package dev.gatehouse.admin;

/** An operator's request that {@link UserAdmin} cannot carry out, with why, in words fit to print. */
public final class AdminException extends RuntimeException {
    /** Why: the CLI maps these to exit codes, a future admin API to statuses. */
    public enum Reason { NOT_FOUND, CONFLICT, INVALID }

    private final Reason reason;

    public AdminException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
