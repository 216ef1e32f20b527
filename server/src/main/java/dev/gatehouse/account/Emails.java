package dev.gatehouse.account;

import dev.gatehouse.http.ApiException;

/**
 * What Gatehouse accepts as an email address. App Services accepted any non-empty string when
 * users are confirmed automatically (its docs warn of users named {@code asdavaskljj}); Gatehouse
 * keeps that, and adds only what protects the system: a length cap, no whitespace or control
 * characters (which could reach mail headers), and an {@code @} with text on both sides when an
 * email is actually going to be sent.
 */
public final class Emails {
    static final String INVALID = "email invalid";
    public static final int MAX_LENGTH = 254;

    private Emails() {}

    public static String require(String email, boolean willBeMailed) {
        if (email == null || email.isEmpty() || email.codePointCount(0, email.length()) > MAX_LENGTH
                || email.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw ApiException.badRequest(INVALID);
        }
        int at = email.lastIndexOf('@');
        if (willBeMailed && (at <= 0 || at == email.length() - 1)) {
            throw ApiException.badRequest(INVALID);
        }
        return email;
    }
}
