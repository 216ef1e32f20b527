package dev.gatehouse.function;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;

/**
 * One call of a confirmation or reset function, with what App Services passes: a first argument
 * {@code {username, token, tokenId}} (reset adds {@code password} and {@code currentPasswordValid}),
 * then the client's extra arguments (reset only).
 *
 * <p>Holds a live token and, for resets, the proposed password: {@link #toString()} leaves both out
 * so that logging a call cannot leak them.
 *
 * @param appId the client app id of the app whose provider runs the function
 * @param functionName the function's name in the provider config
 * @param username the user's email address
 * @param password the proposed new password (reset), or null (confirmation)
 * @param token the confirmation or reset token, usable with {@code confirm} or {@code reset}
 * @param tokenId the token's id (24 hex digits)
 * @param currentPasswordValid whether {@code password} is the user's current password (reset), or null
 * @param arguments the client's extra arguments, decoded from canonical Extended JSON
 */
public record FunctionCall(String appId, String functionName, String username, String password, String token,
                           String tokenId, Boolean currentPasswordValid, BsonArray arguments) {
    private static final DocumentCodec CODEC = new DocumentCodec();

    /** A call of a confirmation function. */
    public static FunctionCall confirmation(String appId, String functionName, String username, String token,
                                            String tokenId) {
        return new FunctionCall(appId, functionName, username, null, token, tokenId, null, new BsonArray());
    }

    /** A call of a reset function. */
    public static FunctionCall reset(String appId, String functionName, String username, String password, String token,
                                     String tokenId, boolean currentPasswordValid, BsonArray arguments) {
        return new FunctionCall(appId, functionName, username, password, token, tokenId, currentPasswordValid, arguments);
    }

    /** Whether this is a reset call (it carries a proposed password). */
    public boolean isReset() {
        return password != null;
    }

    /** The first argument, field for field as App Services builds it. */
    public BsonDocument firstArgument() {
        BsonDocument first = new BsonDocument("username", new BsonString(username));
        if (isReset()) {
            first.append("password", new BsonString(password));
        }
        first.append("token", new BsonString(token)).append("tokenId", new BsonString(tokenId));
        if (currentPasswordValid != null) {
            first.append("currentPasswordValid", BsonBoolean.valueOf(currentPasswordValid));
        }
        return first;
    }

    /**
     * The extra arguments as Java values, decoded by the BSON library's document codec:
     * {@code Integer}, {@code Long}, {@code Double}, {@code String}, {@code Boolean}, {@code null},
     * {@code ObjectId}, {@code java.util.Date}, {@code Decimal128}, {@code Binary}, {@code List},
     * {@link Document}.
     */
    public List<Object> argumentValues() {
        Document holder = CODEC.decode(new BsonDocumentReader(new BsonDocument("arguments", arguments)),
                DecoderContext.builder().build());
        return holder.getList("arguments", Object.class);
    }

    @Override
    public String toString() {
        return "FunctionCall[app=" + appId + ", function=" + functionName + ", username=" + username
                + ", reset=" + isReset() + ", tokenId=" + tokenId + ", arguments=" + arguments.size() + "]";
    }
}
