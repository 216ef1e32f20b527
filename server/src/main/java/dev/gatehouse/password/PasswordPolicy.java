package dev.gatehouse.password;

import dev.gatehouse.http.ApiException;

/** App Services' password rule: 6 to 128 characters (counted as Unicode code points). */
public final class PasswordPolicy {
    public static final int MIN = 6;
    public static final int MAX = 128;
    static final String MESSAGE = "password must be between " + MIN + " and " + MAX + " characters";

    private PasswordPolicy() {}

    /** Returns the password when it passes, else throws the contract's 400. */
    public static String require(String password) {
        if (!accepts(password)) {
            throw ApiException.badRequest(MESSAGE);
        }
        return password;
    }

    /** Whether the password passes, for forms that explain the rule instead of throwing. */
    public static boolean accepts(String password) {
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        return length >= MIN && length <= MAX;
    }
}
