package dev.gatehouse.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A parsed JSON object request body. Unknown fields are ignored, as the SDKs send extras
 * ({@code options}, {@code provider}, caller-supplied keys: spec section 4).
 */
public record JsonBody(JsonNode node) {

    /**
     * The field as a string, or empty when it is absent, null or not a string. A NUL character is
     * refused with 400: no field means anything with one, and PostgreSQL cannot store it in text.
     */
    public Optional<String> string(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        if (value.asText().indexOf('\0') >= 0) {
            throw ApiException.badRequest("field '" + field + "' must not contain NUL characters");
        }
        return Optional.of(value.asText());
    }

    /** The field as a JSON node, or empty when absent. */
    public Optional<JsonNode> field(String field) {
        return Optional.ofNullable(node.get(field)).filter(n -> !n.isNull());
    }
}
