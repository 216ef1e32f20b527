package dev.gatehouse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.account.Emails;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.Json;
import dev.gatehouse.password.PasswordHasher;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a user import file: one JSON object per line, {@code {"email": ..., "password_hash": ...,
 * "confirmed": true|false}} ({@code confirmed} defaults to true; blank lines are skipped). Every line
 * is checked before anything is written, and every problem is reported with its line number, so that
 * an operator fixes the file in one go; {@link UserAdmin#importUsers} then writes all or nothing.
 */
public final class UserImport {
    private static final Set<String> FIELDS = Set.of("email", "password_hash", "confirmed");
    /** Enough problems to fix a file by; a file that is wrong on every line needs no million lines of it. */
    static final int MAX_PROBLEMS = 100;

    private UserImport() {}

    /** One user to import, with the line it came from. */
    public record Entry(int line, String email, String passwordHash, boolean confirmed) {}

    /** The entries of a file, or the problems that stop it being imported. */
    public record Parsed(List<Entry> entries, List<String> problems) {}

    public static Parsed read(BufferedReader reader) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String text;
        int line = 0;
        while ((text = reader.readLine()) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            String problem;
            try {
                Entry entry = entry(line, Json.MAPPER.readTree(text));
                Integer earlier = seen.putIfAbsent(entry.email(), line);
                problem = earlier == null ? null : "email " + entry.email() + " is also on line " + earlier;
                entries.add(entry);
            } catch (IOException e) {
                problem = "not a JSON object";
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null && problems.size() < MAX_PROBLEMS) {
                problems.add("line " + line + ": " + problem);
            }
        }
        return new Parsed(entries, problems);
    }

    private static Entry entry(int line, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\" (expected email, password_hash, confirmed)");
            }
        }
        JsonNode email = node.get("email");
        JsonNode hash = node.get("password_hash");
        JsonNode confirmed = node.get("confirmed");
        if (email == null || !email.isTextual()) {
            throw new IllegalArgumentException("email must be a string");
        }
        try {
            // Mailable, as for users an operator creates: an imported user may need a reset link.
            Emails.require(email.asText(), true);
        } catch (ApiException e) {
            throw new IllegalArgumentException("email is not valid");
        }
        if (hash == null || !hash.isTextual()) {
            throw new IllegalArgumentException("password_hash must be a string");
        }
        if (!PasswordHasher.readable(hash.asText())) {
            // The hash itself is never echoed: the file is secret material.
            throw new IllegalArgumentException("password_hash is not in a supported format (see docs/passwords.md)");
        }
        if (confirmed != null && !confirmed.isBoolean()) {
            throw new IllegalArgumentException("confirmed must be true or false");
        }
        return new Entry(line, email.asText(), hash.asText(), confirmed == null || confirmed.asBoolean());
    }
}
