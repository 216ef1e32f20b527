package dev.gatehouse.client;

/**
 * The one exception of this client: the server refused a request, or could not be reached.
 *
 * <pre>{@code
 * try {
 *     app.emailPasswordAuth().registerUser("ada@example.com", "s3cret!");
 * } catch (AppException e) {
 *     if (e.errorCode() == ErrorCode.ACCOUNT_NAME_IN_USE) { ... }
 * }
 * }</pre>
 */
public final class AppException extends RuntimeException {
    private final ErrorCode errorCode;
    private final String rawErrorCode;
    private final int statusCode;
    private final String link;

    AppException(String message, String rawErrorCode, int statusCode, String link, Throwable cause) {
        super(message, cause);
        this.errorCode = ErrorCode.fromCode(rawErrorCode);
        this.rawErrorCode = rawErrorCode;
        this.statusCode = statusCode;
        this.link = link;
    }

    /** The error code; {@link ErrorCode#UNKNOWN} when the server sent none or one this client does not know. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The server's {@code error_code} string as sent, or null when there was none. */
    public String rawErrorCode() {
        return rawErrorCode;
    }

    /** The HTTP status, or 0 when no reply arrived (network failure, timeout). */
    public int statusCode() {
        return statusCode;
    }

    /** The server's {@code link} to its logs for this request, or null. */
    public String link() {
        return link;
    }
}
