package dev.gatehouse.function;

import java.util.Base64;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.graalvm.polyglot.Value;

/**
 * Turns BSON values (the SDKs' canonical Extended JSON, already parsed by the BSON library) into
 * the JavaScript values App Services functions receive: numbers for {@code $numberInt} and
 * {@code $numberDouble}, a number for a {@code $numberLong} within 2^53 and a BigInt beyond it,
 * {@code Date} for {@code $date}, {@code BSON.ObjectId}, {@code BSON.Decimal128}, {@code BSON.Binary},
 * {@code RegExp}, plain objects and arrays. The rarer types arrive as their canonical EJSON object.
 */
final class JsValues {
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private final Value helpers;

    JsValues(Value helpers) {
        this.helpers = helpers;
    }

    /** A JavaScript array of the call's arguments: the first argument, then the extra ones. */
    Value arguments(FunctionCall call) {
        Value array = helpers.invokeMember("array");
        helpers.invokeMember("push", array, toJs(call.firstArgument()));
        for (BsonValue argument : call.arguments()) {
            helpers.invokeMember("push", array, toJs(argument));
        }
        return array;
    }

    /** A JavaScript value, or a Java String/number/Boolean/null that the engine turns into one. */
    Object toJs(BsonValue value) {
        return switch (value.getBsonType()) {
            case STRING -> value.asString().getValue();
            case INT32 -> value.asInt32().getValue();
            case DOUBLE -> value.asDouble().getValue();
            case INT64 -> {
                long n = value.asInt64().getValue();
                yield Math.abs(n) <= MAX_SAFE_INTEGER ? (Object) (double) n : helpers.invokeMember("bigint", Long.toString(n));
            }
            case BOOLEAN -> value.asBoolean().getValue();
            case NULL -> null;
            case UNDEFINED -> helpers.invokeMember("undefined");
            case DOCUMENT -> document(value.asDocument());
            case ARRAY -> array(value.asArray());
            case DATE_TIME -> helpers.invokeMember("date", (double) value.asDateTime().getValue());
            case OBJECT_ID -> helpers.invokeMember("objectId", value.asObjectId().getValue().toHexString());
            case DECIMAL128 -> helpers.invokeMember("decimal", value.asDecimal128().getValue().toString());
            case BINARY -> helpers.invokeMember("binary",
                    Base64.getEncoder().encodeToString(value.asBinary().getData()), (int) value.asBinary().getType());
            case REGULAR_EXPRESSION -> regex(value);
            default -> extendedJson(value);
        };
    }

    private Value document(BsonDocument document) {
        Value object = helpers.invokeMember("object");
        for (Map.Entry<String, BsonValue> entry : document.entrySet()) {
            helpers.invokeMember("set", object, entry.getKey(), toJs(entry.getValue()));
        }
        return object;
    }

    private Value array(BsonArray array) {
        Value result = helpers.invokeMember("array");
        for (BsonValue element : array) {
            helpers.invokeMember("push", result, toJs(element));
        }
        return result;
    }

    /** BSON options i, m, s, u are JavaScript flags; x and l have none, so such a pattern stays EJSON. */
    private Object regex(BsonValue value) {
        String options = value.asRegularExpression().getOptions();
        if (options.chars().allMatch(c -> "imsu".indexOf(c) >= 0)) {
            try {
                return helpers.invokeMember("regex", value.asRegularExpression().getPattern(), options);
            } catch (org.graalvm.polyglot.PolyglotException e) {
                // A pattern JavaScript cannot compile stays EJSON below.
            }
        }
        return extendedJson(value);
    }

    /** A value as its canonical Extended JSON object, for the types JavaScript has no counterpart of. */
    private Value extendedJson(BsonValue value) {
        return helpers.invokeMember("parse", new BsonDocument("v", value).toJson(FunctionArguments.CANONICAL)).getMember("v");
    }
}
