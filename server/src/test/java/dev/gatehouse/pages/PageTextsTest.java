package dev.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which language a browser gets, and the texts' escaping; HostedPagesTest checks the pages over HTTP. */
class PageTextsTest {
    private final PageTexts texts = new PageTexts();

    @Test
    void the_best_weighted_language_spoken_here_wins_and_english_is_the_fallback() {
        assertThat(PageTexts.choose(null)).isEqualTo("en");
        assertThat(PageTexts.choose("")).isEqualTo("en");
        assertThat(PageTexts.choose("de")).isEqualTo("de");
        assertThat(PageTexts.choose("de-AT")).isEqualTo("de");
        assertThat(PageTexts.choose("FR-ca")).isEqualTo("fr");
        assertThat(PageTexts.choose("pt-BR, es;q=0.8, en;q=0.5")).isEqualTo("es");
        assertThat(PageTexts.choose("en;q=0.2, de;q=0.9, fr;q=0.9")).isEqualTo("de");  // a tie: the earlier
        assertThat(PageTexts.choose("de;q=0, fr;q=0.1")).isEqualTo("fr");                // q=0: not this one
        assertThat(PageTexts.choose("de;q=0")).isEqualTo("en");
        assertThat(PageTexts.choose("*")).isEqualTo("en");
        assertThat(PageTexts.choose("ja, zh;q=0.9")).isEqualTo("en");
    }

    @Test
    void malformed_headers_fall_back_to_english_without_failing() {
        // The page fuzzer found ";" failing a hand-written parser with a 500; the JDK's refuses such headers.
        for (String header : new String[] {";", ";;", ",", ",,;", ",de", "de;q=", "de;q=2", "de;q=-1", "de;q=abc",
                "de;;q=0.5", "=;q", ";q=1", "de;q=0.5;q=", "\u0000", "de\u00e9", "-", "de-"}) {
            assertThat(PageTexts.choose(header)).as(header).isEqualTo("en");
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
}
