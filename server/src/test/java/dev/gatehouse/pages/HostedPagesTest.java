package dev.gatehouse.pages;

import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hosted confirmation and reset pages over HTTP: what GET and POST do to tokens, and what they say. */
class HostedPagesTest {
    static final String APP = "pages-abcde";
    static final String OFF = "off-klmno";
    /** An app with its own page texts (page_texts/): English overridden, Italian added. */
    static final String BRANDED = "branded-pqrst";
    static final String BRANDED_STYLE = "button { background: #7b2d8e; }\n";
    static final String APP_NAME = "Tom & Jerry's <b>\"Shop\"</b>";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path app = AppExport.of(dir, APP).provider("{\"autoConfirm\":false}").write();
        // A name with every character HTML cares about: the pages must show it, not interpret it.
        Files.writeString(app.resolve("root_config.json"), "{\"name\":\"Tom & Jerry's <b>\\\"Shop\\\"</b>\"}");
        Path off = AppExport.of(dir, OFF).provider("{\"autoConfirm\":false}").disabled().write();
        Path branded = AppExport.of(dir, BRANDED).provider("{\"autoConfirm\":false}").write();
        Path texts = Files.createDirectories(branded.resolve("page_texts"));
        Files.writeString(texts.resolve("en.properties"), "confirm.button=Yes, that's me\n");
        Files.writeString(texts.resolve("it.properties"), "title.confirm=Conferma il tuo indirizzo email\n"
                + "confirm.intro=Premi il pulsante per confermare {email}.\n", StandardCharsets.UTF_8);
        Files.writeString(branded.resolve("page_style.css"), BRANDED_STYLE);
        server = TestServer.start(dir.resolve("data"), c -> c.withAppDirs(List.of(app, off, branded)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void register(String email) {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register", body("email", email, "password", "secret1")), 201);
    }

    private static JsonNode mail(String email) {
        return server.latestMail(APP, email);
    }

    private static String page(String kind) {
        return server.url() + "/app/" + APP + "/" + kind;
    }

    private static HttpResponse<String> get(String url) {
        return server.get(url, null);
    }

    private static HttpResponse<String> open(String kind, JsonNode mail) {
        return get(page(kind) + "?token=" + mail.path("token").asText() + "&tokenId=" + mail.path("tokenId").asText());
    }

    private static HttpResponse<String> postForm(String url, String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(form.isEmpty() ? "" : "&").append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return server.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
    }

    private static HttpResponse<String> confirm(JsonNode mail) {
        return postForm(page("confirm"), "token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText());
    }

    private static HttpResponse<String> reset(JsonNode mail, String password, String again) {
        return postForm(page("reset"), "token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText(),
                "password", password, "passwordAgain", again);
    }

    private static int login(String email, String password) {
        return server.post(server.userpass(APP) + "/login", body("username", email, "password", password)).statusCode();
    }

    private static void assertPage(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(response.body()).contains(text);
    }

    @Test
    void the_emailed_link_is_the_hosted_page() {
        register("link@example.com");
        assertThat(mail("link@example.com").path("link").asText()).startsWith(page("confirm") + "?token=");
    }

    @Test
    void opening_the_confirm_link_does_not_confirm_and_the_button_does() {
        register("ada@example.com");
        JsonNode mail = mail("ada@example.com");
        // A mail scanner, a link preview, and the person: three GETs, nothing used up.
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> shown = open("confirm", mail);
            assertPage(shown, 200, "Confirm my email");
            assertThat(shown.body()).contains("<form method=\"post\" action=\"confirm\">")
                    .contains("name=\"tokenId\" value=\"" + mail.path("tokenId").asText() + "\"")
                    .contains("ada@example.com");
        }
        assertThat(login("ada@example.com", "secret1")).isEqualTo(401);

        assertPage(confirm(mail), 200, "Your email address is confirmed. You can now log in in the app.");
        assertThat(login("ada@example.com", "secret1")).isEqualTo(200);

        assertPage(confirm(mail), 410, "This link has already been used.");
        assertPage(open("confirm", mail), 410, "This link has already been used.");
    }

    private static HttpResponse<String> inLanguage(String acceptLanguage, HttpRequest.Builder request) {
        return server.send(request.header("Accept-Language", acceptLanguage));
    }

    @Test
    void an_app_shows_its_own_texts_languages_and_stylesheet() {
        TestServer.expectStatus(server.post(server.userpass(BRANDED) + "/register",
                body("email", "marca@example.com", "password", "secret1")), 201);
        JsonNode mail = server.latestMail(BRANDED, "marca@example.com");
        URI link = URI.create(server.url() + "/app/" + BRANDED + "/confirm?token=" + mail.path("token").asText()
                + "&tokenId=" + mail.path("tokenId").asText());

        HttpResponse<String> english = inLanguage("en", HttpRequest.newBuilder(link).GET());
        assertPage(english, 200, ">Yes, that&#39;s me</button>");
        assertThat(english.body()).contains("<h1>Confirm your email address</h1>");  // not overridden: built in

        HttpResponse<String> italian = inLanguage("it-IT, en;q=0.5", HttpRequest.newBuilder(link).GET());
        assertPage(italian, 200, "<h1>Conferma il tuo indirizzo email</h1>");
        assertThat(italian.body()).contains("<html lang=\"it\">")
                .contains("Premi il pulsante per confermare <strong>marca@example.com</strong>.")
                .contains(">Yes, that&#39;s me</button>");  // Italian lacks it: the app's English
        assertThat(italian.headers().firstValue("Content-Language")).hasValue("it");

        // Its stylesheet, linked after the built-in one (relative, like it), served under the app's path.
        assertThat(english.body()).contains("<link rel=\"stylesheet\" href=\"../../assets/pages.css\">\n"
                + "<link rel=\"stylesheet\" href=\"style.css\">");
        HttpResponse<String> style = get(server.url() + "/app/" + BRANDED + "/style.css");
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.body()).isEqualTo(BRANDED_STYLE);
        assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(style.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        // Another app does not speak Italian, keeps the built-in English, and has no stylesheet of its own.
        register("altro@example.com");
        HttpResponse<String> other = inLanguage("it-IT, en;q=0.5",
                HttpRequest.newBuilder(URI.create(page("confirm") + "?token=" + mail("altro@example.com").path("token").asText()
                        + "&tokenId=" + mail("altro@example.com").path("tokenId").asText())).GET());
        assertPage(other, 200, ">Confirm my email</button>");
        assertThat(other.headers().firstValue("Content-Language")).hasValue("en");
        assertThat(other.body()).doesNotContain("href=\"style.css\"");
        assertThat(get(page("style.css")).statusCode()).isEqualTo(404);
        assertThat(get(server.url() + "/app/nobody-xxxxx/style.css").statusCode()).isEqualTo(404);
    }

    @Test
    void pages_speak_the_language_the_browser_asks_for() {
        register("sprache@example.com");
        JsonNode mail = mail("sprache@example.com");
        String link = page("confirm") + "?token=" + mail.path("token").asText() + "&tokenId=" + mail.path("tokenId").asText();
        HttpResponse<String> german = inLanguage("de-CH, en;q=0.5", HttpRequest.newBuilder(URI.create(link)).GET());
        assertPage(german, 200, "<h1>E-Mail-Adresse bestätigen</h1>");
        assertThat(german.body()).contains("<html lang=\"de\">")
                .contains("um zu bestätigen, dass <strong>sprache@example.com</strong> Ihre E-Mail-Adresse ist.")
                .contains(">E-Mail-Adresse bestätigen</button>");
        assertThat(german.headers().firstValue("Content-Language")).hasValue("de");
        assertThat(german.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Language"));

        // Nothing asked for that is spoken here, or no header: English.
        HttpResponse<String> english = inLanguage("ja, pt-BR;q=0.8", HttpRequest.newBuilder(URI.create(link)).GET());
        assertPage(english, 200, "<h1>Confirm your email address</h1>");
        assertThat(english.body()).contains("<html lang=\"en\">");
        assertThat(english.headers().firstValue("Content-Language")).hasValue("en");

        // A form's mistake in Spanish, with the numbers filled in; a used link in French.
        register("clave@example.com");
        assertPage(confirm(mail("clave@example.com")), 200, "is confirmed");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", "clave@example.com")), 204);
        JsonNode reset = mail("clave@example.com");
        String form = "token=" + reset.path("token").asText() + "&tokenId=" + reset.path("tokenId").asText();
        HttpResponse<String> spanish = inLanguage("es", HttpRequest.newBuilder(URI.create(page("reset")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&password=abc&passwordAgain=abc")));
        assertPage(spanish, 400, "La contraseña debe tener de 6 a 128 caracteres.");
        assertThat(spanish.body()).contains("<h1>Elige una contraseña nueva</h1>").contains(">Cambiar mi contraseña</button>");

        assertPage(confirm(mail), 200, "is confirmed");
        HttpResponse<String> french = inLanguage("fr", HttpRequest.newBuilder(URI.create(link)).GET());
        assertPage(french, 410, "<h1>Lien déjà utilisé</h1>");
        assertThat(french.body()).contains("Ce lien a déjà été utilisé.");
    }

    @Test
    void an_earlier_link_of_a_confirmed_user_says_already_used() {
        register("twice@example.com");
        JsonNode first = mail("twice@example.com");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/confirm/send", body("email", "twice@example.com")), 204);
        JsonNode second = mail("twice@example.com");
        assertThat(second.path("tokenId").asText()).isNotEqualTo(first.path("tokenId").asText());
        assertPage(confirm(second), 200, "is confirmed");
        assertPage(open("confirm", first), 410, "already been used");
    }

    @Test
    void an_expired_link_says_so_on_get_and_post() {
        register("late@example.com");
        JsonNode mail = mail("late@example.com");
        server.clock().advance(Duration.ofMinutes(31));
        assertPage(open("confirm", mail), 410, "This link has expired");
        assertPage(confirm(mail), 410, "This link has expired");
        assertThat(login("late@example.com", "secret1")).isEqualTo(401);
    }

    @Test
    void garbage_links_are_invalid_never_an_error() {
        register("garbage@example.com");
        JsonNode mail = mail("garbage@example.com");
        String wrongToken = "ab".repeat(64);
        for (String query : List.of("", "?token=abc&tokenId=nope", "?token=%25zz&tokenId=%2525", "?tokenId=" + mail.path("tokenId").asText(),
                "?token=" + wrongToken + "&tokenId=" + mail.path("tokenId").asText(),
                "?token=" + mail.path("token").asText() + "&tokenId=5f84057629c14b540462cd1d")) {
            assertPage(get(page("confirm") + query), 400, "This link is not valid.");
            assertPage(get(page("reset") + query), 400, "This link is not valid.");
        }
        assertPage(postForm(page("confirm")), 400, "This link is not valid.");
        assertPage(postForm(page("confirm"), "token", wrongToken, "tokenId", mail.path("tokenId").asText()), 400, "not valid");
        assertPage(server.send(HttpRequest.newBuilder(URI.create(page("confirm"))).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=%zz&tokenId=%%%"))), 400, "not valid");
        assertPage(server.post(page("confirm"), body("token", mail.path("token").asText(),
                "tokenId", mail.path("tokenId").asText())), 400, "not valid");
        // Malformed escapes (a client library would not even send them in a URL) read as missing fields.
        // None of that used the real link up.
        assertPage(confirm(mail), 200, "is confirmed");
    }

    @Test
    void a_confirm_link_is_not_a_reset_link() {
        register("purpose@example.com");
        assertPage(open("reset", mail("purpose@example.com")), 400, "This link is not valid.");
    }

    @Test
    void reset_shows_the_rules_and_keeps_the_token_on_mistakes() {
        register("reset@example.com");
        assertPage(confirm(mail("reset@example.com")), 200, "is confirmed");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", "reset@example.com")), 204);
        JsonNode mail = mail("reset@example.com");
        assertThat(mail.path("link").asText()).startsWith(page("reset") + "?token=");

        HttpResponse<String> form = open("reset", mail);
        assertPage(form, 200, "Choose a new password");
        assertThat(form.body()).contains("6 to 128 characters").contains("<label for=\"password\">")
                .contains("<label for=\"password-again\">").contains("reset@example.com");

        assertPage(reset(mail, "new-secret", "new-secreT"), 400, "The two passwords do not match.");
        assertPage(reset(mail, "short", "short"), 400, "The password must be 6 to 128 characters long.");
        assertPage(reset(mail, "x".repeat(129), "x".repeat(129)), 400, "6 to 128 characters");
        assertPage(open("reset", mail), 200, "Choose a new password");
        assertThat(login("reset@example.com", "secret1")).isEqualTo(200);

        assertPage(reset(mail, "new-secret", "new-secret"), 200, "Your password has been changed.");
        assertThat(login("reset@example.com", "new-secret")).isEqualTo(200);
        assertThat(login("reset@example.com", "secret1")).isEqualTo(401);
        assertPage(reset(mail, "other-secret", "other-secret"), 410, "This link has already been used.");
        assertPage(open("reset", mail), 410, "already been used");
        assertThat(login("reset@example.com", "new-secret")).isEqualTo(200);
    }

    @Test
    void an_expired_reset_link_says_so() {
        register("reset-late@example.com");
        assertPage(confirm(mail("reset-late@example.com")), 200, "is confirmed");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", "reset-late@example.com")), 204);
        JsonNode mail = mail("reset-late@example.com");
        server.clock().advance(Duration.ofMinutes(31));
        assertPage(open("reset", mail), 410, "This link has expired");
        assertPage(reset(mail, "new-secret", "new-secret"), 410, "This link has expired");
        assertThat(login("reset-late@example.com", "secret1")).isEqualTo(200);
    }

    @Test
    void pages_carry_the_security_headers_and_load_only_their_stylesheet() {
        for (HttpResponse<String> response : List.of(get(page("confirm")), get(page("reset") + "?token=x&tokenId=y"),
                get(server.url() + "/app/nobody-xxxxx/confirm"), get(server.url() + "/app/" + OFF + "/reset"))) {
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(
                    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(response.body()).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                    .contains("<link rel=\"stylesheet\" href=\"../../assets/pages.css\">")
                    .doesNotContain("<script").doesNotContain("style=");
            assertThat(response.body().split("<h1>", -1)).as("exactly one h1").hasSize(2);
        }
        HttpResponse<String> css = get(server.url() + "/assets/pages.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(css.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(css.body()).contains(":focus-visible");
    }

    @Test
    void the_app_name_is_shown_escaped() {
        HttpResponse<String> response = get(page("confirm"));
        assertThat(response.body()).contains("Tom &amp; Jerry&#39;s &lt;b&gt;&quot;Shop&quot;&lt;/b&gt;")
                .doesNotContain(APP_NAME).doesNotContain("<b>");
    }

    @Test
    void an_unknown_app_is_a_404_page_and_a_disabled_provider_a_message() {
        assertPage(get(server.url() + "/app/nobody-xxxxx/confirm?token=a&tokenId=b"), 404, "There is no app at this address.");
        assertPage(get(server.url() + "/app/" + OFF + "/confirm"), 404, "not enabled for this app");
        assertPage(postForm(server.url() + "/app/" + OFF + "/reset", "password", "x"), 404, "not enabled for this app");
    }
}
