package dev.gatehouse.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code local-userpass} provider as JSON, in the export's shape
 * {@code {"name", "type", "disabled", "config": {...}}} (spec 7.1): read from an export, from an
 * admin API body, and written back into the export when an admin changes it. Thread-safe.
 */
public final class ProviderJson {
    public static final String USERPASS = "local-userpass";
    /** The config keys Gatehouse reads; the admin API refuses others (typos would be silently lost). */
    public static final Set<String> CONFIG_FIELDS = Set.of("autoConfirm", "emailConfirmationUrl",
            "confirmEmailSubject", "runConfirmationFunction", "confirmationFunctionName", "confirmationFunctionId",
            "resetPasswordUrl", "resetPasswordSubject", "runResetFunction", "resetFunctionName", "resetFunctionId");

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProviderJson() {}

    /** Reads a provider wrapper; type problems are added, named by field. */
    public static ProviderConfig read(JsonNode provider, List<String> problems) {
        JsonNode config = provider.path("config");
        return new ProviderConfig(
                bool(provider, "disabled", problems),
                bool(config, "autoConfirm", problems),
                string(config, "emailConfirmationUrl", problems),
                string(config, "confirmEmailSubject", problems),
                bool(config, "runConfirmationFunction", problems),
                string(config, "confirmationFunctionName", problems),
                string(config, "resetPasswordUrl", problems),
                string(config, "resetPasswordSubject", problems),
                bool(config, "runResetFunction", problems),
                string(config, "resetFunctionName", problems));
    }

    /**
     * {@code current} changed by a partial wrapper: fields absent from {@code patch} keep their
     * value, null or empty strings clear one. Unknown config keys and wrong types are problems.
     */
    public static ProviderConfig merge(ProviderConfig current, JsonNode patch, List<String> problems) {
        ObjectNode merged = write(current);
        if (patch.has("disabled")) {
            merged.set("disabled", patch.get("disabled"));
        }
        JsonNode config = patch.path("config");
        if (!config.isMissingNode() && !config.isObject()) {
            problems.add("config must be an object");
        } else if (config.isObject()) {
            List<String> unknown = new ArrayList<>();
            config.fieldNames().forEachRemaining(f -> {
                if (!CONFIG_FIELDS.contains(f)) {
                    unknown.add(f);
                }
            });
            if (!unknown.isEmpty()) {
                problems.add("unknown config fields: " + String.join(", ", unknown));
            }
            ((ObjectNode) merged.get("config")).setAll((ObjectNode) config);
        }
        return read(merged, problems);
    }

    /** The wrapper for a provider: every known field, empty strings for unset ones, as exports hold them. */
    public static ObjectNode write(ProviderConfig p) {
        ObjectNode wrapper = MAPPER.createObjectNode();
        wrapper.put("name", USERPASS);
        wrapper.put("type", USERPASS);
        wrapper.put("disabled", p.disabled());
        ObjectNode config = wrapper.putObject("config");
        config.put("autoConfirm", p.autoConfirm());
        config.put("emailConfirmationUrl", orEmpty(p.emailConfirmationUrl()));
        config.put("confirmEmailSubject", orEmpty(p.confirmEmailSubject()));
        config.put("runConfirmationFunction", p.runConfirmationFunction());
        config.put("confirmationFunctionName", orEmpty(p.confirmationFunctionName()));
        config.put("resetPasswordUrl", orEmpty(p.resetPasswordUrl()));
        config.put("resetPasswordSubject", orEmpty(p.resetPasswordSubject()));
        config.put("runResetFunction", p.runResetFunction());
        config.put("resetFunctionName", orEmpty(p.resetFunctionName()));
        return wrapper;
    }

    /** A stable text of the provider: equal providers give equal text (stored and compared by digest). */
    public static String canonical(ProviderConfig p) {
        return write(p).toString();
    }

    public static ProviderConfig parseCanonical(String json) {
        try {
            List<String> problems = new ArrayList<>();
            ProviderConfig config = read(MAPPER.readTree(json), problems);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("stored provider is invalid: " + problems);
            }
            return config;
        } catch (IOException e) {
            throw new IllegalStateException("stored provider is not JSON", e);
        }
    }

    /**
     * Writes the provider into the export directory, in the file the export's layout uses
     * ({@code auth/providers.json}, object or array form, or the v1 {@code auth_providers/local-userpass.json}),
     * keeping every other key and provider as it was. The new file replaces the old in one rename, so
     * a crash leaves one or the other, never half of each.
     */
    public static void writeBack(Path dir, ProviderConfig provider) throws IOException {
        Path providers = dir.resolve("auth/providers.json");
        Path v1 = dir.resolve("auth_providers/" + USERPASS + ".json");
        if (!Files.exists(providers) && Files.exists(v1)) {
            replace(v1, updated(MAPPER.readTree(v1.toFile()), provider));
            return;
        }
        JsonNode root = Files.exists(providers) ? MAPPER.readTree(providers.toFile()) : MAPPER.createObjectNode();
        if (root instanceof ArrayNode array) {
            boolean found = false;
            for (int i = 0; i < array.size(); i++) {
                JsonNode p = array.get(i);
                if (USERPASS.equals(p.path("type").asText()) || USERPASS.equals(p.path("name").asText())) {
                    array.set(i, updated(p, provider));
                    found = true;
                }
            }
            if (!found) {
                array.add(write(provider));
            }
        } else if (root instanceof ObjectNode object) {
            object.set(USERPASS, updated(object.path(USERPASS), provider));
        } else {
            throw new IOException(providers + " is neither an object nor an array");
        }
        Files.createDirectories(providers.getParent());
        replace(providers, root);
    }

    /** The existing wrapper with our fields replaced and its other keys (id, metadata_fields, ...) kept. */
    private static ObjectNode updated(JsonNode existing, ProviderConfig provider) {
        ObjectNode fresh = write(provider);
        if (!(existing instanceof ObjectNode old)) {
            return fresh;
        }
        ObjectNode result = old.deepCopy();
        result.put("name", USERPASS);
        result.put("type", USERPASS);
        result.set("disabled", fresh.get("disabled"));
        ObjectNode config = result.get("config") instanceof ObjectNode c ? c : result.putObject("config");
        config.setAll((ObjectNode) fresh.get("config"));
        return result;
    }

    private static void replace(Path file, JsonNode content) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, (MAPPER.writeValueAsString(content) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean bool(JsonNode node, String field, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            problems.add(field + " must be true or false");
            return false;
        }
        return value.asBoolean();
    }

    private static String string(JsonNode node, String field, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(field + " must be a string");
            return null;
        }
        return value.asText().isEmpty() ? null : value.asText();
    }
}
