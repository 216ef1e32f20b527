package dev.gatehouse.mail;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.gatehouse.http.AcceptLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The email templates of one app: Mustache, one set per kind and language, each with a subject, a
 * plain-text and an HTML part. Built-in English and German sets ship in {@code mail/templates/};
 * an app overrides any part, or adds languages, with files in {@code email_templates/} of its
 * export directory, named {@code <kind>[.<language>].<part>.mustache} (kind {@code confirmation} or
 * {@code reset}, part {@code subject}, {@code txt} or {@code html}). The language is picked from the
 * request's {@code Accept-Language}, falling back to English. Immutable, thread-safe.
 */
public final class MailTemplates {
    public static final String OVERRIDE_DIR = "email_templates";
    private static final String BUILT_IN = "mail/templates/";
    private static final List<String> BUILT_IN_LANGUAGES = List.of("en", "de");
    private static final List<String> PARTS = List.of("subject", "txt", "html");
    private static final Pattern FILE = Pattern.compile("(confirmation|reset)(?:\\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*))?\\.(subject|txt|html)\\.mustache");

    /** Templates by "kind.language.part". */
    private final Map<String, Template> templates;
    private final Map<MailKind, List<String>> languages;

    private MailTemplates(Map<String, Template> templates, Map<MailKind, List<String>> languages) {
        this.templates = templates;
        this.languages = languages;
    }

    /** The built-in templates, overridden by {@code appDir/email_templates} when present; problems are collected. */
    public static MailTemplates load(Path appDir, List<String> problems) {
        Map<String, Template> templates = new HashMap<>();
        Map<MailKind, Set<String>> languages = new HashMap<>();
        for (MailKind kind : MailKind.values()) {
            for (String language : BUILT_IN_LANGUAGES) {
                for (String part : PARTS) {
                    String name = fileName(kind, language, part);
                    templates.put(key(kind, language, part), compile(part, builtIn(name)));
                }
                languages.computeIfAbsent(kind, k -> new TreeSet<>()).add(language);
            }
        }
        Path overrides = appDir == null ? null : appDir.resolve(OVERRIDE_DIR);
        if (overrides != null && Files.isDirectory(overrides)) {
            try (Stream<Path> files = Files.list(overrides)) {
                for (Path file : files.sorted().toList()) {
                    Matcher m = FILE.matcher(file.getFileName().toString());
                    if (!m.matches()) {
                        problems.add(OVERRIDE_DIR + "/" + file.getFileName() + ": not a template name "
                                + "(<confirmation|reset>[.<language>].<subject|txt|html>.mustache)");
                        continue;
                    }
                    MailKind kind = MailKind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                    String language = m.group(2) == null ? "en" : m.group(2).toLowerCase(Locale.ROOT);
                    try {
                        templates.put(key(kind, language, m.group(3)), compile(m.group(3), Files.readString(file, StandardCharsets.UTF_8)));
                        languages.computeIfAbsent(kind, k -> new TreeSet<>()).add(language);
                    } catch (MustacheException e) {
                        problems.add(OVERRIDE_DIR + "/" + file.getFileName() + ": " + e.getMessage());
                    } catch (IOException e) {
                        problems.add(OVERRIDE_DIR + "/" + file.getFileName() + ": cannot read: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                problems.add(OVERRIDE_DIR + ": cannot list: " + e.getMessage());
            }
        }
        Map<MailKind, List<String>> available = new HashMap<>();
        languages.forEach((kind, set) -> available.put(kind, List.copyOf(set)));
        return new MailTemplates(Map.copyOf(templates), Map.copyOf(available));
    }

    /** The language to write in, from an {@code Accept-Language} header; English when nothing matches. */
    public String language(MailKind kind, String acceptLanguage) {
        return AcceptLanguage.best(acceptLanguage, languages.get(kind), "en");
    }

    /** Renders one email; {@code subjectOverride} (the provider's configured subject) wins when set. */
    public Rendered render(MailKind kind, String language, Map<String, Object> values, String subjectOverride) {
        Map<String, Object> context = new HashMap<>(values);
        String subject = subjectOverride != null && !subjectOverride.isBlank()
                ? subjectOverride : oneLine(part(kind, language, "subject").execute(context));
        context.put("subject", subject);
        return new Rendered(language, subject, part(kind, language, "txt").execute(context),
                part(kind, language, "html").execute(context));
    }

    /** A rendered email. */
    public record Rendered(String language, String subject, String text, String html) {}

    private Template part(MailKind kind, String language, String part) {
        Template template = templates.get(key(kind, language, part));
        // A language that overrides only some parts borrows the others from English.
        return template != null ? template : templates.get(key(kind, "en", part));
    }

    private static String oneLine(String subject) {
        return subject.strip().replaceAll("[\\r\\n]+", " ");
    }

    /** HTML escaping of the five significant characters only; jmustache's default also escapes '=', which mangles links. */
    private static final Mustache.Escaper HTML = Escapers.simple(new String[][] {
        {"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});

    private static Template compile(String part, String source) {
        Mustache.Compiler compiler = Mustache.compiler().defaultValue("");
        return ("html".equals(part) ? compiler.withEscaper(HTML) : compiler.escapeHTML(false)).compile(source);
    }

    private static String builtIn(String name) {
        try (InputStream in = MailTemplates.class.getClassLoader().getResourceAsStream(BUILT_IN + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in template missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName(MailKind kind, String language, String part) {
        String base = kind.name().toLowerCase(Locale.ROOT);
        return ("en".equals(language) ? base : base + "." + language) + "." + part + ".mustache";
    }

    private static String key(MailKind kind, String language, String part) {
        return kind + "." + language + "." + part;
    }
}
