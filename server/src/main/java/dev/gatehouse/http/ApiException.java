package dev.gatehouse.http;

import java.util.Objects;

/**
 * The one unchecked exception that services throw to answer a client with an App Services error.
 * The message is sent to the client verbatim, so it must never contain secrets (tokens, hashes,
 * passwords) or internals (SQL, stack frames); {@link ErrorResponses} is the only place that turns
 * it into HTTP.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        super(Objects.requireNonNull(message), null, false, false);
        this.code = Objects.requireNonNull(code);
    }

    public ErrorCode code() {
        return code;
    }

    // The contract's fixed messages, named once so that services and tests agree on the text.
    public static ApiException invalidSession() {
        return new ApiException(ErrorCode.InvalidSession, "invalid session: access token expired");
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BadRequest, message);
    }
}
