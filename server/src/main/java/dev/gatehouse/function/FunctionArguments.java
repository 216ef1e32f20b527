package dev.gatehouse.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.http.ApiException;
import org.bson.BsonArray;
import org.bson.BsonInvalidOperationException;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;

/** The {@code arguments} of a {@code reset/call} request: canonical Extended JSON, parsed by the BSON library. */
public final class FunctionArguments {
    /** How arguments are written back out (webhooks, the rarer types in JavaScript): canonical Extended JSON. */
    static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private FunctionArguments() {}

    /**
     * The arguments as BSON; absent or null means none (realm-web always sends {@code []}). Anything
     * but an array of valid Extended JSON is a 400 {@code BadRequest}.
     */
    public static BsonArray parse(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return new BsonArray();
        }
        if (!arguments.isArray()) {
            throw ApiException.badRequest("arguments must be an array");
        }
        try {
            // Jackson has already checked the JSON (size, depth); the BSON library reads the
            // Extended JSON types ($numberInt, $oid, $date, ...) from its text.
            return BsonArray.parse(arguments.toString());
        } catch (JsonParseException | BsonInvalidOperationException | IllegalArgumentException e) {
            throw ApiException.badRequest("arguments must be valid Extended JSON: " + shorten(e.getMessage()));
        }
    }

    private static String shorten(String message) {
        String text = message == null ? "unreadable value" : message;
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
