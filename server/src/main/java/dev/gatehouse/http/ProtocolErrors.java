package dev.gatehouse.http;

import dev.gatehouse.token.Ids;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors Jetty answers before a request reaches Javalin: a malformed request line or URI (a
 * {@code %00} in the path), headers past the size limit (431), {@code Transfer-Encoding} with
 * {@code Content-Length}. Jetty's own answer is an HTML page, which realm-core cannot read (it
 * parses error bodies only under {@code Content-Type: application/json}, spec T1); this one is the
 * App Services error shape, with Jetty's status kept. Found by the fuzzing suite.
 */
final class ProtocolErrors extends ErrorHandler {
    private final PublicUrl publicUrl;
    private final Ids ids;

    ProtocolErrors(PublicUrl publicUrl, Ids ids) {
        this.publicUrl = publicUrl;
        this.ids = ids;
    }

    /** Errors of requests Jetty could not parse: there is no request object, only the status. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status));
    }

    /** Errors Jetty sends for a parsed request (sendError outside Javalin's handlers). */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.getOutputStream().write(body(code));
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return !"HEAD".equalsIgnoreCase(method);
    }

    private byte[] body(int status) {
        ErrorCode code = switch (status) {
            case 404, 405 -> ErrorCode.NotFound;
            case 413, 414, 431 -> ErrorCode.RequestTooLarge;
            // Jetty's 505 is the client's fault too: a request line with no HTTP/1.x version (garbage,
            // HTTP/0.9, "HTTP/7.3"). The status is Jetty's and stays; the code says what to fix.
            case 505 -> ErrorCode.BadRequest;
            default -> status >= 500 ? ErrorCode.InternalServerError : ErrorCode.BadRequest;
        };
        String message = switch (code) {
            case NotFound -> "no route matches this method and path";
            case RequestTooLarge -> "request line, headers or body too large";
            case InternalServerError -> "internal server error";
            default -> status == 505 ? "malformed HTTP request: not HTTP/1.0 or HTTP/1.1" : "malformed HTTP request";
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("error_code", code.name());
        body.put("link", publicUrl.orEmpty() + "/logs?co_id=" + ids.objectId());
        return Json.bytes(body);
    }
}
