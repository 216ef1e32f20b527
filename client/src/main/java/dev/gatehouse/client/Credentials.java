package dev.gatehouse.client;

import java.util.Objects;

/**
 * What {@link App#logIn} logs in with. Only email/password exists here.
 *
 * <pre>{@code
 * User user = app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
 * }</pre>
 */
public final class Credentials {
    private final String email;
    private final String password;

    private Credentials(String email, String password) {
        this.email = Objects.requireNonNull(email, "email");
        this.password = Objects.requireNonNull(password, "password");
    }

    public static Credentials emailPassword(String email, String password) {
        return new Credentials(email, password);
    }

    String email() {
        return email;
    }

    String password() {
        return password;
    }

    /** Leaves the password out, so that logging credentials cannot leak it. */
    @Override
    public String toString() {
        return "Credentials[emailPassword, " + email + "]";
    }
}
