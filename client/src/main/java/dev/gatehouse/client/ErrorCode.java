package dev.gatehouse.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code error_code} strings an App Services-compatible server answers with, as Java constants.
 * A code this enum does not know is {@link #UNKNOWN}; {@link AppException#rawErrorCode()} keeps the
 * server's string.
 */
public enum ErrorCode {
    ACCOUNT_NAME_IN_USE("AccountNameInUse"),
    AUTH_ERROR("AuthError"),
    AUTH_PROVIDER_NOT_FOUND("AuthProviderNotFound"),
    BAD_REQUEST("BadRequest"),
    DOMAIN_NOT_ALLOWED("DomainNotAllowed"),
    EXECUTION_TIME_LIMIT_EXCEEDED("ExecutionTimeLimitExceeded"),
    FUNCTION_EXECUTION_ERROR("FunctionExecutionError"),
    INTERNAL_SERVER_ERROR("InternalServerError"),
    INVALID_PARAMETER("InvalidParameter"),
    INVALID_PASSWORD("InvalidPassword"),
    INVALID_SESSION("InvalidSession"),
    MAINTENANCE_IN_PROGRESS("MaintenanceInProgress"),
    MISSING_AUTH_REQ("MissingAuthReq"),
    MISSING_PARAMETER("MissingParameter"),
    READ_SIZE_LIMIT_EXCEEDED("ReadSizeLimitExceeded"),
    USER_ALREADY_CONFIRMED("UserAlreadyConfirmed"),
    USER_APP_DOMAIN_MISMATCH("UserAppDomainMismatch"),
    USER_DISABLED("UserDisabled"),
    USER_NOT_FOUND("UserNotFound"),
    USERPASS_TOKEN_INVALID("UserpassTokenInvalid"),
    /** Gatehouse: no app with this client app id. */
    APP_NOT_FOUND("AppNotFound"),
    /** Gatehouse: no route with this method and path. */
    NOT_FOUND("NotFound"),
    /** Gatehouse: the request body is over the server's limit. */
    REQUEST_TOO_LARGE("RequestTooLarge"),
    /** Gatehouse: too many requests; try again later. */
    TOO_MANY_REQUESTS("TooManyRequests"),
    /** A code this client does not know, no code at all, or no answer from the server. */
    UNKNOWN(null);

    private static final Map<String, ErrorCode> BY_CODE = new HashMap<>();

    static {
        for (ErrorCode code : values()) {
            if (code.code != null) {
                BY_CODE.put(code.code, code);
            }
        }
    }

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The wire string, such as {@code "AccountNameInUse"}; null for {@link #UNKNOWN}. */
    public String code() {
        return code;
    }

    /** The constant for a wire string; {@link #UNKNOWN} for null or an unknown string. */
    public static ErrorCode fromCode(String code) {
        return code == null ? UNKNOWN : BY_CODE.getOrDefault(code, UNKNOWN);
    }
}
