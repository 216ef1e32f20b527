package dev.gatehouse.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one unchecked exception that services throw to answer a client with an App Services error.
 * The message is sent to the client verbatim, so it must never contain secrets (tokens, hashes,
 * passwords) or internals (SQL, stack frames); {@link ErrorResponses} is the only place that turns
 * it into HTTP.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final Duration retryAfter;

    public ApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    private ApiException(ErrorCode code, String message, Duration retryAfter) {
        super(Objects.requireNonNull(message), null, false, false);
        this.code = Objects.requireNonNull(code);
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** When the client may try again ({@code Retry-After}), or empty. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** 429 {@code TooManyRequests} with a {@code Retry-After}. */
    public static ApiException tooManyRequests(String message, Duration retryAfter) {
        return new ApiException(ErrorCode.TooManyRequests, message, retryAfter);
    }

    // The contract's fixed messages, named once so that services and tests agree on the text.
    public static ApiException invalidSession() {
        return new ApiException(ErrorCode.InvalidSession, "invalid session: access token expired");
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BadRequest, message);
    }
}
