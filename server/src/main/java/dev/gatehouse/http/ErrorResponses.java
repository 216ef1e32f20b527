package dev.gatehouse.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place where errors become HTTP responses. Every error body has the App Services shape
 * {@code {"error", "error_code", "link"}} with {@code Content-Type: application/json} exactly
 * (realm-core parses error bodies only under that exact header, spec T1). Unexpected exceptions are
 * logged with a request id and answered with a fixed message: no exception text ever reaches a
 * client.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    /** Exhaustive on purpose: a new code without a status does not compile. */
    public static int status(ErrorCode code) {
        return switch (code) {
            case BadRequest, UserAlreadyConfirmed, UserpassTokenInvalid -> 400;
            case InvalidPassword, AuthError, UserDisabled, InvalidSession, MissingAuthReq -> 401;
            case DomainNotAllowed -> 403;
            case UserNotFound, AuthProviderNotFound, AppNotFound, NotFound -> 404;
            case AccountNameInUse -> 409;
            case RequestTooLarge -> 413;
            case TooManyRequests -> 429;
            case InternalServerError -> 500;
            case ServiceUnavailable -> 503;
        };
    }

    /** Installs the exception handlers on a Javalin instance. */
    public static void install(Javalin javalin) {
        javalin.exception(ApiException.class, (e, ctx) -> {
            // Whole seconds, rounded up, and never 0: "retry now" would defeat the limit.
            e.retryAfter().ifPresent(d -> ctx.header("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
            write(ctx, e.code(), e.getMessage());
        });
        javalin.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromFramework(e.getStatus()), frameworkMessage(e.getStatus())));
        javalin.exception(Exception.class, (e, ctx) -> {
            if (isDataException(e)) {
                // SQLState class 22: the database refused a value the request carried (a NUL in text,
                // a number out of range). The input is at fault, so it is a 400; logged in case a
                // value of our own ever gets here.
                log.warn("database refused a request value, request {} {} co_id={}: {}", ctx.method(), ctx.path(),
                        RequestIds.of(ctx), e.toString());
                write(ctx, ErrorCode.BadRequest, "request contains a value that cannot be stored");
                return;
            }
            log.error("unhandled error, request {} {} co_id={}", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
            write(ctx, ErrorCode.InternalServerError, "internal server error");
        });
    }

    private static boolean isDataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /** Writes an error body; also used by handlers that answer an error without throwing. */
    public static void write(Context ctx, ErrorCode code, String message) {
        ctx.attribute(RequestMetrics.ERROR_CODE_ATTRIBUTE, code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("error_code", code.name());
        body.put("link", PublicUrl.of(ctx) + "/logs?co_id=" + RequestIds.of(ctx));
        Responses.json(ctx, status(code), body);
    }

    private static ErrorCode fromFramework(int status) {
        return switch (status) {
            case 404, 405 -> ErrorCode.NotFound;
            case 413 -> ErrorCode.RequestTooLarge;
            case 429 -> ErrorCode.TooManyRequests;
            default -> status >= 500 ? ErrorCode.InternalServerError : ErrorCode.BadRequest;
        };
    }

    private static String frameworkMessage(int status) {
        return switch (status) {
            case 404, 405 -> "no route matches this method and path";
            case 413 -> "request body is too large";
            default -> status >= 500 ? "internal server error" : "bad request";
        };
    }
}
