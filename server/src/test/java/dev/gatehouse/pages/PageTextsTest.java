package dev.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which language a browser gets, the texts' escaping, and an app's own texts; HostedPagesTest checks the pages over HTTP. */
class PageTextsTest {
    private final PageTexts texts = PageTexts.BUILT_IN;

    @Test
    void the_best_weighted_language_spoken_here_wins_and_english_is_the_fallback() {
        assertThat(texts.choose(null)).isEqualTo("en");
        assertThat(texts.choose("")).isEqualTo("en");
        assertThat(texts.choose("de")).isEqualTo("de");
        assertThat(texts.choose("de-AT")).isEqualTo("de");
        assertThat(texts.choose("FR-ca")).isEqualTo("fr");
        assertThat(texts.choose("pt-BR, es;q=0.8, en;q=0.5")).isEqualTo("es");
        assertThat(texts.choose("en;q=0.2, de;q=0.9, fr;q=0.9")).isEqualTo("de");  // a tie: the earlier
        assertThat(texts.choose("de;q=0, fr;q=0.1")).isEqualTo("fr");                // q=0: not this one
        assertThat(texts.choose("de;q=0")).isEqualTo("en");
        assertThat(texts.choose("*")).isEqualTo("en");
        assertThat(texts.choose("ja, zh;q=0.9")).isEqualTo("en");
    }

    @Test
    void malformed_headers_fall_back_to_english_without_failing() {
        // The page fuzzer found ";" failing a hand-written parser with a 500; the JDK's refuses such headers.
        for (String header : new String[] {";", ";;", ",", ",,;", ",de", "de;q=", "de;q=2", "de;q=-1", "de;q=abc",
                "de;;q=0.5", "=;q", ";q=1", "de;q=0.5;q=", "\u0000", "de\u00e9", "-", "de-"}) {
            assertThat(texts.choose(header)).as(header).isEqualTo("en");
        }
    }

    @Test
    void every_language_has_every_text_with_the_same_placeholders() {
        for (String language : PageTexts.LANGUAGES) {
            Map<String, String> english = texts.forTemplates("en", Map.of());
            Map<String, String> other = texts.forTemplates(language, Map.of());
            assertThat(other.keySet()).isEqualTo(english.keySet());
            for (String key : english.keySet()) {
                for (String placeholder : new String[] {"{email}", "{min}", "{max}"}) {
                    assertThat(other.get(key).contains(placeholder)).as("%s %s %s", language, key, placeholder)
                            .isEqualTo(english.get(key).contains(placeholder));
                }
            }
        }
    }

    @Test
    void texts_and_what_fills_them_are_escaped() {
        assertThat(texts.html("en", "confirm.intro", Map.of("email", "<svg onload=alert(1)>@example.com")))
                .isEqualTo("Press the button to confirm that <strong>&lt;svg onload=alert(1)&gt;@example.com</strong> "
                        + "is your email address.");
        assertThat(texts.html("fr", "message.noApp", Map.of())).contains("l&#39;e-mail");
        assertThat(texts.html("de", "reset.rules", Map.of("min", 6, "max", 128))).isEqualTo("6 bis 128 Zeichen.");
        // Filled in one pass: a placeholder inside a value is the value's text, not a placeholder.
        assertThat(texts.html("en", "reset.intro", Map.of("email", "a{min}@example.com", "min", 6)))
                .isEqualTo("Choose a new password for <strong>a{min}@example.com</strong>.");
    }

    private static PageTexts appTexts(Path appDir, List<String> problems, String... filesAndContents) throws IOException {
        Path dir = Files.createDirectories(appDir.resolve(PageTexts.OVERRIDE_DIR));
        for (int i = 0; i < filesAndContents.length; i += 2) {
            Files.writeString(dir.resolve(filesAndContents[i]), filesAndContents[i + 1], StandardCharsets.UTF_8);
        }
        return PageTexts.load(appDir, problems);
    }

    @Test
    void an_app_overrides_texts_and_adds_a_language_that_borrows_its_english(@TempDir Path appDir) throws IOException {
        List<String> problems = new ArrayList<>();
        PageTexts app = appTexts(appDir, problems,
                "en.properties", "confirm.button=Yes, that's me\ntitle.confirm=Welcome to <Shop>\n",
                "it.properties", "# Italiano\nconfirm.button=Conferma la mia email\nreset.rules=Da {min} a {max} caratteri.\n",
                "de.properties", "confirm.button=Ja, das bin ich\n");
        assertThat(problems).isEmpty();
        assertThat(app.languages()).containsExactly("en", "de", "es", "fr", "it");
        assertThat(app.choose("it-IT, en;q=0.5")).isEqualTo("it");
        assertThat(app.html("en", "confirm.button", Map.of())).isEqualTo("Yes, that&#39;s me");
        assertThat(app.html("en", "title.confirm", Map.of())).isEqualTo("Welcome to &lt;Shop&gt;");  // no markup
        assertThat(app.html("it", "confirm.button", Map.of())).isEqualTo("Conferma la mia email");
        assertThat(app.html("it", "reset.rules", Map.of("min", 8, "max", 64))).isEqualTo("Da 8 a 64 caratteri.");
        // What Italian lacks is the app's English, overrides included, so no page shows a key.
        assertThat(app.html("it", "title.confirm", Map.of())).isEqualTo("Welcome to &lt;Shop&gt;");
        assertThat(app.html("it", "reset.done", Map.of())).isEqualTo(texts.html("en", "reset.done", Map.of()));
        // A built-in language keeps its own texts where the app's file is silent.
        assertThat(app.html("de", "confirm.button", Map.of())).isEqualTo("Ja, das bin ich");
        assertThat(app.html("de", "title.confirm", Map.of())).isEqualTo(texts.html("de", "title.confirm", Map.of()));
        assertThat(app.forTemplates("it", Map.of()).keySet()).isEqualTo(texts.forTemplates("en", Map.of()).keySet());
        // The built-in texts are untouched: other apps share them.
        assertThat(texts.html("en", "confirm.button", Map.of())).isEqualTo("Confirm my email");
        assertThat(texts.languages()).containsExactly("en", "de", "es", "fr");
    }

    @Test
    void an_app_without_page_texts_gets_the_built_in_ones(@TempDir Path appDir) {
        List<String> problems = new ArrayList<>();
        assertThat(PageTexts.load(appDir, problems)).isSameAs(PageTexts.BUILT_IN);
        assertThat(PageTexts.load(null, problems)).isSameAs(PageTexts.BUILT_IN);
        assertThat(problems).isEmpty();
    }

    @Test
    void unknown_keys_foreign_placeholders_and_bad_file_names_are_problems(@TempDir Path appDir) throws IOException {
        List<String> problems = new ArrayList<>();
        PageTexts app = appTexts(appDir, problems,
                "fr.properties", "confirm.buton=Typo\ntitle.confirm=Bonjour {email}\nconfirm.intro=Sans adresse\n",
                "french.txt", "confirm.button=Oui\n",
                "es.properties", "reset.intro=\\uZZZZ\n");
        assertThat(problems).containsExactlyInAnyOrder(
                "page_texts/es.properties: cannot read: Malformed \\uxxxx encoding.",
                "page_texts/fr.properties: 'confirm.buton' is not a page text (they are listed in docs/hosted-pages.md)",
                "page_texts/fr.properties: 'title.confirm' may use only [] (nothing fills the others in there)",
                "page_texts/french.txt: not a page text file name (<language>.properties, e.g. it.properties)");
        // Dropping a placeholder is allowed: an app may choose not to show the address.
        assertThat(app.html("fr", "confirm.intro", Map.of("email", "a@example.com"))).isEqualTo("Sans adresse");
    }
}
