package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** Assertions on the exact wire shapes of spec sections 1 and 6. */
public final class WireAssertions {
    private WireAssertions() {}

    /** An App Services error: status, {@code error_code}, {@code error}, exact JSON content type, a link. */
    public static void assertError(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        JsonNode body = TestServer.json(response);
        assertThat(body.path("error_code").asText()).isEqualTo(code);
        assertThat(body.path("error").asText()).isEqualTo(message);
        assertThat(body.path("link").asText()).contains("logs?co_id=");
    }

    /** A bodiless success: the status, no body, and no Content-Type at all (realm-web rejects any). */
    public static void assertEmpty(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).isEmpty();
    }
}
