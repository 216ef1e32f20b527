package dev.gatehouse.function;

import java.util.Locale;
import java.util.Optional;

/** What a confirmation or reset function decided: the {@code status} of its App Services return value. */
public enum FunctionStatus {
    /** Confirm the user, or set the proposed password, now. */
    SUCCESS,
    /** Leave it to the client: confirm or reset later with the token and tokenId the function received. */
    PENDING,
    /** Refuse: a registering user is deleted, a password stays as it was. */
    FAIL;

    /** The status named by a function's {@code status} string ({@code "success"}, ...), if it is one. */
    public static Optional<FunctionStatus> parse(String status) {
        if (status == null) {
            return Optional.empty();
        }
        return switch (status) {
            case "success", "pending", "fail" -> Optional.of(valueOf(status.toUpperCase(Locale.ROOT)));
            default -> Optional.empty();
        };
    }
}
