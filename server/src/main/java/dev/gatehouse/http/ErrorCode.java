package dev.gatehouse.http;

/**
 * The closed set of error codes Gatehouse answers with. The names are the App Services
 * {@code error_code} strings of the wire contract (spec section 6), so {@link #name()} is what goes on
 * the wire; the few Gatehouse adds for its own situations (unknown route, unknown app, oversized
 * body) are marked. Anything that is not one of these is a bug and becomes a 500.
 */
public enum ErrorCode {
    AccountNameInUse,
    InvalidPassword,
    AuthError,
    UserNotFound,
    UserAlreadyConfirmed,
    UserDisabled,
    BadRequest,
    UserpassTokenInvalid,
    InvalidSession,
    MissingAuthReq,
    AuthProviderNotFound,
    /** Gatehouse: no app with the client app id in the URL. */
    AppNotFound,
    /** Gatehouse: no route with this method and path. */
    NotFound,
    /** Gatehouse: request body larger than the configured limit. */
    RequestTooLarge,
    /**
     * A browser origin outside the app's {@code allowed_request_origins}. The code is one realm-core
     * already knows (spec 6.1); its 403 status is a Gatehouse choice, as Atlas' is undocumented.
     */
    DomainNotAllowed,
    /** Gatehouse: the sender has to slow down. */
    TooManyRequests,
    /** Gatehouse: a service the request needs (the breached-password API) cannot answer now. */
    ServiceUnavailable,
    InternalServerError
}
