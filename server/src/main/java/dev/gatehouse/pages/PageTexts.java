package dev.gatehouse.pages;

import dev.gatehouse.http.AcceptLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hosted pages' texts in every language they speak, and which of them a browser asks for. Built
 * in: {@code resources/pages/texts/<lang>.properties} (UTF-8) for {@link #LANGUAGES}. English is the
 * fallback, and every other built-in language must have exactly its keys: a missing text fails
 * start-up rather than showing a key to a person. An app overrides any text, or adds a language, with
 * {@code page_texts/<lang>.properties} in its export directory ({@link #load}), as it overrides its
 * emails with {@code email_templates/}. Immutable, thread-safe.
 */
public final class PageTexts {
    public static final String OVERRIDE_DIR = "page_texts";
    /** The built-in languages, English first: the answer when nothing the browser asks for is spoken. */
    static final List<String> LANGUAGES = List.of("en", "de", "fr", "es");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(email|min|max)\\}");
    private static final Pattern FILE = Pattern.compile("([a-zA-Z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\\.properties");
    /** The built-in texts, shared by every app that overrides none. */
    static final PageTexts BUILT_IN = builtIn();

    /** Per language, per key, the text already HTML-escaped. */
    private final Map<String, Map<String, String>> texts;
    /** English first. */
    private final List<String> languages;

    private PageTexts(Map<String, Map<String, String>> texts) {
        this.texts = texts;
        List<String> spoken = new ArrayList<>(new TreeSet<>(texts.keySet()));
        spoken.remove("en");
        spoken.add(0, "en");
        this.languages = List.copyOf(spoken);
    }

    private static PageTexts builtIn() {
        Map<String, Map<String, String>> texts = new HashMap<>();
        for (String language : LANGUAGES) {
            texts.put(language, builtInLanguage(language));
        }
        var english = texts.get("en").keySet();
        for (String language : LANGUAGES) {
            if (!texts.get(language).keySet().equals(english)) {
                throw new IllegalStateException("pages/texts/" + language + ".properties does not have exactly the keys "
                        + "of en.properties");
            }
        }
        return new PageTexts(texts);
    }

    /**
     * The built-in texts overridden by {@code appDir/page_texts/<lang>.properties} (UTF-8), if any;
     * every problem found is added to {@code problems}. A file may set any of English's keys; a
     * language that is not built in starts from the app's English, so that a text it lacks is shown in
     * English rather than missing. A text may drop a placeholder its English text has but not add one,
     * since nothing would fill it in. Overrides are escaped like the built-in texts: no markup.
     */
    public static PageTexts load(Path appDir, List<String> problems) {
        Path dir = appDir == null ? null : appDir.resolve(OVERRIDE_DIR);
        if (dir == null || !Files.isDirectory(dir)) {
            return BUILT_IN;
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            // English first: the languages added below start from the app's English.
            files = listed.sorted(Comparator.comparing((Path f) -> !f.getFileName().toString().equals("en.properties"))
                    .thenComparing(f -> f.getFileName().toString())).toList();
        } catch (IOException e) {
            problems.add(OVERRIDE_DIR + ": cannot list: " + e.getMessage());
            return BUILT_IN;
        }
        Map<String, Map<String, String>> merged = new HashMap<>();
        BUILT_IN.texts.forEach((language, texts) -> merged.put(language, new LinkedHashMap<>(texts)));
        Map<String, String> english = BUILT_IN.texts.get("en");
        for (Path file : files) {
            String name = OVERRIDE_DIR + "/" + file.getFileName();
            Matcher m = FILE.matcher(file.getFileName().toString());
            if (!m.matches()) {
                problems.add(name + ": not a page text file name (<language>.properties, e.g. it.properties)");
                continue;
            }
            Properties properties;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties = read(reader);
            } catch (IOException | IllegalArgumentException e) {  // unreadable, or a malformed unicode escape
                problems.add(name + ": cannot read: " + e.getMessage());
                continue;
            }
            Map<String, String> target = merged.computeIfAbsent(m.group(1).toLowerCase(Locale.ROOT),
                    language -> new LinkedHashMap<>(merged.get("en")));
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                String text = properties.getProperty(key);
                if (!english.containsKey(key)) {
                    problems.add(name + ": '" + key + "' is not a page text (they are listed in docs/hosted-pages.md)");
                } else if (!placeholders(english.get(key)).containsAll(placeholders(text))) {
                    problems.add(name + ": '" + key + "' may use only " + placeholders(english.get(key))
                            + " (nothing fills the others in there)");
                } else {
                    target.put(key, escape(text));
                }
            }
        }
        return new PageTexts(Map.copyOf(merged));
    }

    /** Texts in the properties syntax, built-in or an app's. */
    private static Properties read(Reader reader) throws IOException {
        Properties properties = new Properties();
        properties.load(reader);
        return properties;
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        PLACEHOLDER.matcher(text).results().forEach(r -> found.add(r.group()));
        return found;
    }

    /** The language to answer a request in: the best match for its {@code Accept-Language}, else English. */
    String choose(String acceptLanguage) {
        return AcceptLanguage.best(acceptLanguage, languages, "en");
    }

    /** The languages spoken, English first. */
    List<String> languages() {
        return languages;
    }

    /**
     * One text as HTML: escaped, with {@code {email}} (in {@code <strong>}), {@code {min}} and
     * {@code {max}} filled in from {@code values}, themselves escaped.
     */
    String html(String language, String key, Map<String, Object> values) {
        String escaped = texts.get(language).get(key);
        if (escaped == null) {
            throw new IllegalArgumentException("no page text " + key);
        }
        if (escaped.indexOf('{') < 0) {
            return escaped;
        }
        // One pass, so that a value holding "{min}" (braces are legal in an address) stays as typed.
        return PLACEHOLDER.matcher(escaped).replaceAll(m -> {
            Object value = values.get(m.group(1));
            if (value == null) {
                return Matcher.quoteReplacement(m.group());
            }
            String filled = escape(String.valueOf(value));
            return Matcher.quoteReplacement(m.group(1).equals("email") ? "<strong>" + filled + "</strong>" : filled);
        });
    }

    /** Every text of a language as HTML, for templates: {@code confirm.button} is {@code {{{t.confirm_button}}}}. */
    Map<String, String> forTemplates(String language, Map<String, Object> values) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String key : texts.get(language).keySet()) {
            all.put(key.replace('.', '_'), html(language, key, values));
        }
        return all;
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<String, String> builtInLanguage(String language) {
        String name = "/pages/texts/" + language + ".properties";
        try (InputStream in = PageTexts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Properties properties;
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                properties = read(reader);
            }
            // Escaped once here, not on every page: html() only fills the placeholders in.
            Map<String, String> texts = new LinkedHashMap<>();
            properties.stringPropertyNames().stream().sorted().forEach(k -> texts.put(k, escape(properties.getProperty(k))));
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
