package dev.gatehouse.client;

/** Where a {@link User} stands on this device. */
public enum UserState {
    /** Has tokens; authenticated calls work. */
    LOGGED_IN,
    /** Known to the app, but without tokens: log in again. */
    LOGGED_OUT,
    /** Removed from the app (or deleted); the object is no longer usable. */
    REMOVED
}
