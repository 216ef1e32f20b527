package dev.gatehouse.config;

import dev.gatehouse.ratelimit.RateLimitOverrides;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads an App Services export directory as exported, in any of the three layouts of spec 7.2:
 * {@code root_config.json} + {@code .mdb/meta.json} (appservices CLI), {@code realm_config.json}
 * (realm-cli v2) or {@code config.json} + {@code auth_providers/} (realm-cli v1 / Stitch). Problems
 * are collected, not thrown one at a time. Stateless and thread-safe.
 */
public final class AppExportLoader {
    private static final Pattern CLIENT_APP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
    private static final String USERPASS = ProviderJson.USERPASS;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Set<String> javaFunctionNames;

    /** A loader for exports whose providers may only name functions of their own. */
    public AppExportLoader() {
        this(Set.of());
    }

    /** A loader for exports whose providers may also name these Java functions of the embedding application. */
    public AppExportLoader(Set<String> javaFunctionNames) {
        this.javaFunctionNames = Set.copyOf(javaFunctionNames);
    }

    /** The loaded app, or null with the reasons added to {@code problems}. */
    public AppConfig load(Path dir, List<String> problems) {
        String where = dir + ": ";
        if (!Files.isDirectory(dir)) {
            problems.add(where + "not a directory");
            return null;
        }
        List<String> found = new ArrayList<>();
        JsonNode root = firstJson(dir, found, "root_config.json", "realm_config.json", "config.json");
        JsonNode meta = readJson(dir.resolve(".mdb/meta.json"), found);
        if (root == null) {
            found.add("no root_config.json, realm_config.json or config.json");
            root = mapper.createObjectNode();
        }
        String clientAppId = text(meta, "client_app_id");
        if (clientAppId == null) {
            clientAppId = text(root, "app_id");
        }
        if (clientAppId == null) {
            found.add("no client app id (.mdb/meta.json client_app_id, or app_id in the root config)");
        } else if (!CLIENT_APP_ID.matcher(clientAppId).matches()) {
            found.add("client app id '" + clientAppId + "' must be 1-64 letters, digits, '-' or '_'");
        }
        String metaAppId = text(meta, "app_id");
        String appObjectId = metaAppId != null && OBJECT_ID.matcher(metaAppId).matches()
                ? metaAppId : derivedObjectId(clientAppId == null ? dir.toString() : clientAppId);

        // Names of every declared function, loadable or not, so that a broken one is reported once
        // rather than again as "does not exist" by the provider check.
        Set<String> declared = new HashSet<>();
        Map<String, FunctionSource> functions = loadFunctions(dir.resolve("functions"), declared, found);
        ProviderConfig userpass = loadProvider(dir, found);
        if (userpass != null) {
            Set<String> names = new HashSet<>(declared);
            names.addAll(functions.keySet());
            names.addAll(javaFunctionNames);
            found.addAll(userpass.problems(names).stream().map(p -> "local-userpass: " + p).toList());
            for (String name : functions.keySet()) {
                if (javaFunctionNames.contains(name)) {
                    found.add("function '" + name + "' is defined both in functions/ and as a Java function");
                }
            }
        }
        AppValues values = loadValues(dir, text(root, "environment"), found);
        RateLimitOverrides rateLimits = loadRateLimits(dir, found);
        JsonNode origins = root.has("allowed_request_origins") ? root.get("allowed_request_origins") : root.path("security").get("allowed_request_origins");
        List<String> allowedOrigins = new ArrayList<>();
        if (origins != null && origins.isArray()) {
            origins.forEach(o -> allowedOrigins.add(o.asText()));
        }
        found.forEach(p -> problems.add(where + p));
        if (!found.isEmpty()) {
            return null;
        }
        String name = text(root, "name");
        String deployment = text(root, "deployment_model");
        String location = text(root, "location") != null ? text(root, "location") : text(root, "provider_region");
        return new AppConfig(clientAppId, appObjectId, name == null ? clientAppId : name,
                deployment == null ? "GLOBAL" : deployment, location == null ? "US-VA" : location,
                allowedOrigins, userpass, functions, values, dir, rateLimits);
    }

    private ProviderConfig loadProvider(Path dir, List<String> problems) {
        JsonNode provider = null;
        Path providersFile = dir.resolve("auth/providers.json");
        JsonNode providers = readJson(providersFile, problems);
        if (providers != null && providers.isObject()) {
            provider = providers.get(USERPASS);
        } else if (providers != null && providers.isArray()) {
            for (JsonNode p : providers) {
                if (USERPASS.equals(text(p, "type")) || USERPASS.equals(text(p, "name"))) {
                    provider = p;
                }
            }
        }
        if (provider == null) {
            provider = readJson(dir.resolve("auth_providers/" + USERPASS + ".json"), problems);
        }
        if (provider == null) {
            return null;
        }
        List<String> typeProblems = new ArrayList<>();
        ProviderConfig result = ProviderJson.read(provider, typeProblems);
        typeProblems.forEach(p -> problems.add("local-userpass: " + p));
        return result;
    }

    private Map<String, FunctionSource> loadFunctions(Path functionsDir, Set<String> declared, List<String> problems) {
        Map<String, FunctionSource> functions = new LinkedHashMap<>();
        if (!Files.isDirectory(functionsDir)) {
            return functions;
        }
        JsonNode list = readJson(functionsDir.resolve("config.json"), problems);
        if (list != null) {
            if (!list.isArray()) {
                problems.add("functions/config.json must be an array");
                return functions;
            }
            for (JsonNode entry : list) {
                if (text(entry, "name") != null) {
                    declared.add(text(entry, "name"));
                }
                if (entry.has("webhook")) {
                    addWebhook(functions, entry, problems);
                } else {
                    addFunction(functions, text(entry, "name"), entry.path("private").asBoolean(false),
                            functionsDir, "functions/config.json", problems);
                }
            }
            return functions;
        }
        // realm-cli v1 layout: functions/<name>/config.json with source.js beside it.
        try (Stream<Path> dirs = Files.list(functionsDir)) {
            for (Path sub : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode entry = readJson(sub.resolve("config.json"), problems);
                if (entry != null) {
                    String name = text(entry, "name") == null ? sub.getFileName().toString() : text(entry, "name");
                    Path source = sub.resolve("source.js");
                    addSource(functions, name, entry.path("private").asBoolean(false), source, problems);
                }
            }
        } catch (IOException e) {
            problems.add("cannot list functions/: " + e.getMessage());
        }
        return functions;
    }

    /** A Gatehouse webhook function: {@code {"name", "webhook": {"url", "secret_name"}}}. */
    private static void addWebhook(Map<String, FunctionSource> functions, JsonNode entry, List<String> problems) {
        String name = text(entry, "name");
        JsonNode webhook = entry.get("webhook");
        String url = text(webhook, "url");
        String secretName = text(webhook, "secret_name");
        String where = "function '" + name + "': ";
        if (name == null || name.isBlank()) {
            problems.add("functions/config.json: every function needs a plain name");
        } else if (functions.containsKey(name)) {
            problems.add("function '" + name + "' is defined twice");
        } else if (url == null || !Urls.isHttpUrl(url)) {
            problems.add(where + "webhook.url must be an absolute http(s) URL");
        } else if (!url.startsWith("https://") && !Urls.isLoopback(url)) {
            // The call carries tokens and, for reset functions, the proposed password.
            problems.add(where + "webhook.url must use https (plain http is allowed to loopback addresses only)");
        } else if (secretName == null || secretName.isBlank()) {
            problems.add(where + "webhook.secret_name must name the secret that signs its calls");
        } else {
            functions.put(name, new FunctionSource(name, entry.path("private").asBoolean(false), null,
                    new FunctionSource.Webhook(url, secretName)));
        }
    }

    /** {@code values/*.json} and {@code environments/<tag>.json}, as App Services exports them. */
    private AppValues loadValues(Path dir, String environment, List<String> problems) {
        Map<String, AppValues.Value> values = new LinkedHashMap<>();
        Path valuesDir = dir.resolve("values");
        if (Files.isDirectory(valuesDir)) {
            try (Stream<Path> files = Files.list(valuesDir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    JsonNode entry = readJson(file, problems);
                    String name = text(entry, "name");
                    if (entry == null) {
                        continue;
                    }
                    if (name == null || !entry.has("value")) {
                        problems.add("values/" + file.getFileName() + " needs a name and a value");
                    } else if (entry.path("from_secret").asBoolean(false) && !entry.get("value").isTextual()) {
                        problems.add("values/" + file.getFileName() + ": a from_secret value must name the secret");
                    } else {
                        values.put(name, new AppValues.Value(entry.get("value"), entry.path("from_secret").asBoolean(false)));
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list values/: " + e.getMessage());
            }
        }
        String tag = environment == null ? "" : environment;
        JsonNode envValues = mapper.createObjectNode();
        if (!tag.isEmpty() && !tag.contains("/") && !tag.contains("..")) {
            JsonNode env = readJson(dir.resolve("environments/" + tag + ".json"), problems);
            if (env != null && env.path("values").isObject()) {
                envValues = env.get("values");
            }
        }
        return new AppValues(tag, envValues, values);
    }

    private static void addFunction(Map<String, FunctionSource> functions, String name, boolean isPrivate,
                                    Path functionsDir, String where, List<String> problems) {
        if (name == null || name.isBlank() || name.contains("..")) {
            problems.add(where + ": every function needs a plain name");
            return;
        }
        addSource(functions, name, isPrivate, functionsDir.resolve(name + ".js"), problems);
    }

    private static void addSource(Map<String, FunctionSource> functions, String name, boolean isPrivate, Path source,
                                  List<String> problems) {
        if (functions.containsKey(name)) {
            problems.add("function '" + name + "' is defined twice");
            return;
        }
        if (!Files.isRegularFile(source)) {
            problems.add("function '" + name + "' has no source file " + source.getFileName());
            return;
        }
        try {
            String code = Files.readString(source, StandardCharsets.UTF_8);
            if (!code.contains("exports")) {
                problems.add("function '" + name + "' does not assign exports");
                return;
            }
            functions.put(name, new FunctionSource(name, isPrivate, code, null));
        } catch (IOException e) {
            problems.add("cannot read " + source + ": " + e.getMessage());
        }
    }

    /** Gatehouse's own optional file: App Services had no such settings, so its exports never hold one. */
    private RateLimitOverrides loadRateLimits(Path dir, List<String> problems) {
        Path file = dir.resolve("gatehouse/rate_limits.json");
        if (!Files.exists(file)) {
            return RateLimitOverrides.NONE;
        }
        int before = problems.size();
        JsonNode json = readJson(file, problems);
        if (problems.size() > before) {
            return RateLimitOverrides.NONE;
        }
        return RateLimitOverrides.parse(json, "gatehouse/rate_limits.json: ", problems);
    }

    private JsonNode firstJson(Path dir, List<String> problems, String... names) {
        for (String name : names) {
            JsonNode node = readJson(dir.resolve(name), problems);
            if (node != null) {
                return node;
            }
        }
        return null;
    }

    private JsonNode readJson(Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return mapper.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(file.getFileName() + " is not valid JSON: " + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            problems.add("cannot read " + file.getFileName() + ": " + e.getMessage());
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** A stable ObjectId-shaped id for exports that carry none (realm-cli v1/v2 layouts). */
    public static String derivedObjectId(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app served when no export is given: confirmation and reset by email, dev mailbox delivery. */
    public static AppConfig defaultApp() {
        String id = "gatehouse-local";
        return new AppConfig(id, derivedObjectId(id), "Gatehouse local app", "GLOBAL", "US-VA", List.of(),
                ProviderConfig.emailDefaults(), Map.of(), AppValues.none(), null,
                RateLimitOverrides.NONE);
    }
}
