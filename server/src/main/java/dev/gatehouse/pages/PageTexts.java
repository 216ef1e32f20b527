package dev.gatehouse.pages;

import dev.gatehouse.http.AcceptLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosted pages' texts in every language they speak ({@code resources/pages/texts/<lang>.properties},
 * UTF-8), and which of them a browser asks for. English is the fallback, and every other language
 * must have exactly its keys: a missing text fails start-up rather than showing a key to a person.
 * Loaded once. Thread-safe.
 */
final class PageTexts {
    /** English first: the answer when nothing the browser asks for is spoken here. */
    static final List<String> LANGUAGES = List.of("en", "de", "fr", "es");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(email|min|max)\\}");

    /** Per language, per key, the text already HTML-escaped. */
    private final Map<String, Map<String, String>> texts = new HashMap<>();

    PageTexts() {
        for (String language : LANGUAGES) {
            texts.put(language, load(language));
        }
        var english = texts.get("en").keySet();
        for (String language : LANGUAGES) {
            if (!texts.get(language).keySet().equals(english)) {
                throw new IllegalStateException("pages/texts/" + language + ".properties does not have exactly the keys "
                        + "of en.properties");
            }
        }
    }

    /** The language to answer a request in: the best match for its {@code Accept-Language}, else English. */
    static String choose(String acceptLanguage) {
        return AcceptLanguage.best(acceptLanguage, LANGUAGES, LANGUAGES.get(0));
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

    private static Map<String, String> load(String language) {
        String name = "/pages/texts/" + language + ".properties";
        try (InputStream in = PageTexts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Properties properties = new Properties();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                properties.load(reader);
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
