package dev.gatehouse.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailTemplatesTest {
    @TempDir
    Path app;

    static final Map<String, Object> VALUES = Map.of("appName", "Tom & Jerry <Inc>", "email", "a@b.c",
            "link", "https://x.test/confirm?token=ab&tokenId=cd", "expiresInMinutes", 30);

    private void write(String name, String content) throws IOException {
        Files.createDirectories(app.resolve(MailTemplates.OVERRIDE_DIR));
        Files.writeString(app.resolve(MailTemplates.OVERRIDE_DIR).resolve(name), content);
    }

    @Test
    void built_in_templates_escape_html_but_not_text_and_keep_links_intact() {
        List<String> problems = new ArrayList<>();
        MailTemplates templates = MailTemplates.load(null, problems);
        assertThat(problems).isEmpty();
        MailTemplates.Rendered mail = templates.render(MailKind.RESET, "en", VALUES, null);
        assertThat(mail.subject()).isEqualTo("Reset your password");
        assertThat(mail.text()).contains("Tom & Jerry <Inc>", "https://x.test/confirm?token=ab&tokenId=cd");
        assertThat(mail.html()).contains("Tom &amp; Jerry &lt;Inc&gt;", "href=\"https://x.test/confirm?token=ab&amp;tokenId=cd\"")
                .doesNotContain("<Inc>", "&#x3D;");
    }

    @Test
    void a_configured_subject_wins_over_the_template() {
        MailTemplates templates = MailTemplates.load(null, new ArrayList<>());
        assertThat(templates.render(MailKind.CONFIRMATION, "de", VALUES, "Welcome!").subject()).isEqualTo("Welcome!");
        assertThat(templates.render(MailKind.CONFIRMATION, "de", VALUES, " ").subject())
                .isEqualTo("Bitte bestätigen Sie Ihre E-Mail-Adresse");
    }

    @Test
    void languages_follow_accept_language_with_english_as_fallback() {
        MailTemplates templates = MailTemplates.load(null, new ArrayList<>());
        assertThat(templates.language(MailKind.CONFIRMATION, "de-AT,de;q=0.8")).isEqualTo("de");
        assertThat(templates.language(MailKind.CONFIRMATION, "fr;q=1, de;q=0.5")).isEqualTo("de");
        assertThat(templates.language(MailKind.CONFIRMATION, "fr")).isEqualTo("en");
        assertThat(templates.language(MailKind.CONFIRMATION, null)).isEqualTo("en");
        assertThat(templates.language(MailKind.CONFIRMATION, ";;;")).isEqualTo("en");
    }

    @Test
    void an_app_overrides_parts_and_adds_languages_with_files_next_to_its_config() throws IOException {
        write("confirmation.txt.mustache", "Hi {{email}}, confirm at {{{link}}}");
        write("confirmation.fr.subject.mustache", "Confirmez votre adresse");
        write("confirmation.fr.txt.mustache", "Bonjour, {{{link}}}");
        List<String> problems = new ArrayList<>();
        MailTemplates templates = MailTemplates.load(app, problems);
        assertThat(problems).isEmpty();
        assertThat(templates.render(MailKind.CONFIRMATION, "en", VALUES, null).text())
                .isEqualTo("Hi a@b.c, confirm at https://x.test/confirm?token=ab&tokenId=cd");
        assertThat(templates.language(MailKind.CONFIRMATION, "fr-CA")).isEqualTo("fr");
        MailTemplates.Rendered french = templates.render(MailKind.CONFIRMATION, "fr", VALUES, null);
        assertThat(french.subject()).isEqualTo("Confirmez votre adresse");
        assertThat(french.text()).startsWith("Bonjour");
        // The French set has no HTML part of its own: it borrows the English one.
        assertThat(french.html()).contains("<!DOCTYPE html>");
        assertThat(templates.language(MailKind.RESET, "fr")).isEqualTo("en");
    }

    @Test
    void broken_or_misnamed_templates_are_start_up_problems() throws IOException {
        write("confirmation.html.mustache", "{{#unclosed}} never closed");
        write("welcome.txt.mustache", "what is this for?");
        List<String> problems = new ArrayList<>();
        MailTemplates.load(app, problems);
        assertThat(problems).hasSize(2);
        assertThat(String.join("\n", problems)).contains("confirmation.html.mustache", "welcome.txt.mustache: not a template name");
    }
}
