package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an App Services export (appservices CLI layout) for tests: root config, meta, the
 * local-userpass provider, and optionally functions, values and an environment.
 */
public final class AppExport {
    private final Path dir;
    private final String clientAppId;
    private String providerConfig = "{\"autoConfirm\":true}";
    private boolean disabled;
    private String environment;
    private List<String> allowedOrigins = List.of();
    private final List<String> functionEntries = new ArrayList<>();
    private final List<String[]> files = new ArrayList<>();

    private AppExport(Path dir, String clientAppId) {
        this.dir = dir;
        this.clientAppId = clientAppId;
    }

    /** An export in {@code parent/<clientAppId>}. */
    public static AppExport of(Path parent, String clientAppId) {
        return new AppExport(parent.resolve(clientAppId), clientAppId);
    }

    /** The provider's {@code config} object, as JSON. */
    public AppExport provider(String configJson) {
        this.providerConfig = configJson;
        return this;
    }

    public AppExport disabled() {
        this.disabled = true;
        return this;
    }

    /** {@code allowed_request_origins} in root_config.json (plain strings, no quotes or backslashes). */
    public AppExport allowedOrigins(String... origins) {
        this.allowedOrigins = List.of(origins);
        return this;
    }

    /** A JavaScript function {@code functions/<name>.js}. */
    public AppExport function(String name, String source) {
        functionEntries.add("{\"name\":\"" + name + "\",\"private\":true}");
        files.add(new String[] {"functions/" + name + ".js", source});
        return this;
    }

    /** A webhook function signed with the named secret. */
    public AppExport webhook(String name, String url, String secretName) {
        functionEntries.add("{\"name\":\"" + name + "\",\"private\":true,\"webhook\":{\"url\":\"" + url
                + "\",\"secret_name\":\"" + secretName + "\"}}");
        return this;
    }

    /** A value file {@code values/<name>.json}. */
    public AppExport value(String name, String valueJson, boolean fromSecret) {
        files.add(new String[] {"values/" + name + ".json",
                "{\"name\":\"" + name + "\",\"value\":" + valueJson + ",\"from_secret\":" + fromSecret + "}"});
        return this;
    }

    /** The environment tag and its {@code values} object. */
    public AppExport environment(String tag, String valuesJson) {
        this.environment = tag;
        files.add(new String[] {"environments/" + tag + ".json", "{\"values\":" + valuesJson + "}"});
        return this;
    }

    /** Writes the files and returns the export directory. */
    public Path write() {
        try {
            Files.createDirectories(dir.resolve(".mdb"));
            Files.createDirectories(dir.resolve("auth"));
            Files.writeString(dir.resolve("root_config.json"), "{\"name\":\"" + clientAppId + "\""
                    + (environment == null ? "" : ",\"environment\":\"" + environment + "\"")
                    + (allowedOrigins.isEmpty() ? "" : ",\"allowed_request_origins\":[\""
                            + String.join("\",\"", allowedOrigins) + "\"]") + "}");
            Files.writeString(dir.resolve(".mdb/meta.json"), "{\"client_app_id\":\"" + clientAppId + "\"}");
            Files.writeString(dir.resolve("auth/providers.json"), "{\"local-userpass\":{\"name\":\"local-userpass\","
                    + "\"type\":\"local-userpass\",\"disabled\":" + disabled + ",\"config\":" + providerConfig + "}}");
            if (!functionEntries.isEmpty()) {
                Files.createDirectories(dir.resolve("functions"));
                Files.writeString(dir.resolve("functions/config.json"), "[" + String.join(",", functionEntries) + "]");
            }
            for (String[] file : files) {
                Files.createDirectories(dir.resolve(file[0]).getParent());
                Files.writeString(dir.resolve(file[0]), file[1]);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
