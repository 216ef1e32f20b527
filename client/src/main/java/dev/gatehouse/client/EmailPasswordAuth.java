package dev.gatehouse.client;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The Email/Password provider's calls, as the Node.js and .NET SDKs name them; each has an
 * {@code ...Async} twin that returns a {@link CompletableFuture}. None needs a logged-in user.
 * Thread-safe.
 *
 * <pre>{@code
 * EmailPasswordAuth auth = app.emailPasswordAuth();
 * auth.registerUser("ada@example.com", "s3cret!");
 * auth.confirmUser(token, tokenId);          // from the confirmation link
 * auth.callResetPasswordFunction("ada@example.com", "n3w-s3cret", "blue", 42);
 * }</pre>
 */
public final class EmailPasswordAuth {
    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final String PROVIDER = "/auth/providers/local-userpass";

    private final Transport transport;

    EmailPasswordAuth(Transport transport) {
        this.transport = transport;
    }

    /** Registers a user; depending on the provider it is confirmed at once, by email or by function. */
    public void registerUser(String email, String password) {
        Transport.await(registerUserAsync(email, password));
    }

    public CompletableFuture<Void> registerUserAsync(String email, String password) {
        return post("/register", body("email", email, "password", password));
    }

    /** Confirms a user with the token and tokenId of its confirmation link (or confirmation function). */
    public void confirmUser(String token, String tokenId) {
        Transport.await(confirmUserAsync(token, tokenId));
    }

    public CompletableFuture<Void> confirmUserAsync(String token, String tokenId) {
        return post("/confirm", body("token", token, "tokenId", tokenId));
    }

    /** Sends a new confirmation email. */
    public void resendConfirmationEmail(String email) {
        Transport.await(resendConfirmationEmailAsync(email));
    }

    public CompletableFuture<Void> resendConfirmationEmailAsync(String email) {
        return post("/confirm/send", body("email", email));
    }

    /** Runs the provider's confirmation function again for a pending user. */
    public void retryCustomConfirmation(String email) {
        Transport.await(retryCustomConfirmationAsync(email));
    }

    public CompletableFuture<Void> retryCustomConfirmationAsync(String email) {
        return post("/confirm/call", body("email", email));
    }

    /** Emails a password reset link. */
    public void sendResetPasswordEmail(String email) {
        Transport.await(sendResetPasswordEmailAsync(email));
    }

    public CompletableFuture<Void> sendResetPasswordEmailAsync(String email) {
        return post("/reset/send", body("email", email));
    }

    /** Sets a new password with the token and tokenId of a reset link (or reset function). */
    public void resetPassword(String password, String token, String tokenId) {
        Transport.await(resetPasswordAsync(password, token, tokenId));
    }

    public CompletableFuture<Void> resetPasswordAsync(String password, String token, String tokenId) {
        return post("/reset", body("password", password, "token", token, "tokenId", tokenId));
    }

    /**
     * Runs the provider's reset function with {@code args}, sent as canonical Extended JSON like the
     * official SDKs send them: {@code Integer} as {@code $numberInt}, {@code Long} as
     * {@code $numberLong}, {@code Double} as {@code $numberDouble}, {@code java.util.Date} as
     * {@code $date}, {@code ObjectId}, {@code Decimal128}, {@code List}, {@code Map} and the rest of
     * what the BSON library's default codecs encode.
     */
    public void callResetPasswordFunction(String email, String password, Object... args) {
        Transport.await(callResetPasswordFunctionAsync(email, password, args));
    }

    public CompletableFuture<Void> callResetPasswordFunctionAsync(String email, String password, Object... args) {
        BsonDocument body;
        try {
            BsonArray arguments = new Document("a", Arrays.asList(args)).toBsonDocument().getArray("a");
            body = new BsonDocument("email", new BsonString(email)).append("password", new BsonString(password))
                    .append("arguments", arguments);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "an argument cannot be encoded as Extended JSON: " + e.getMessage(), e));
        }
        return post("/reset/call", body.toJson(CANONICAL));
    }

    private CompletableFuture<Void> post(String route, String json) {
        return transport.send("POST", transport.appPath(PROVIDER + route), json, null).thenApply(reply -> null);
    }

    static String body(String... namesAndValues) {
        BsonDocument document = new BsonDocument();
        List<String> list = Arrays.asList(namesAndValues);
        for (int i = 0; i < list.size(); i += 2) {
            if (list.get(i + 1) == null) {
                throw new IllegalArgumentException(list.get(i) + " is null");
            }
            document.append(list.get(i), new BsonString(list.get(i + 1)));
        }
        return document.toJson();
    }
}
