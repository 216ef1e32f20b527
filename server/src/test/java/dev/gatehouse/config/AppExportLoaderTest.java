package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.Gatehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppExportLoaderTest {
    @TempDir
    Path dir;

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** An export in the current appservices CLI layout. */
    static Path currentExport(Path dir, String clientAppId, String userpassConfig) throws IOException {
        write(dir.resolve("root_config.json"), "{\"name\":\"myapp\",\"deployment_model\":\"LOCAL\",\"provider_region\":\"aws-eu-west-1\","
                + "\"allowed_request_origins\":[\"https://app.example\"]}");
        write(dir.resolve(".mdb/meta.json"), "{\"config_version\":20230101,\"app_id\":\"64b6e7c2f2c7a2a4c5d1e2f3\","
                + "\"group_id\":\"64b6e7c2f2c7a2a4c5d1e2f0\",\"client_app_id\":\"" + clientAppId + "\"}");
        write(dir.resolve("auth/providers.json"), "{\"anon-user\":{\"name\":\"anon-user\",\"type\":\"anon-user\",\"disabled\":true},"
                + "\"local-userpass\":{\"name\":\"local-userpass\",\"type\":\"local-userpass\",\"disabled\":false,\"config\":"
                + userpassConfig + "}}");
        return dir;
    }

    @Test
    void reads_the_current_appservices_layout() throws IOException {
        currentExport(dir, "myapp-abcde", "{\"autoConfirm\":true,\"resetPasswordUrl\":\"https://app.example/reset\","
                + "\"resetPasswordSubject\":\"Reset it\",\"emailConfirmationUrl\":\"https://app.example/confirm\"}");
        List<String> problems = new ArrayList<>();
        AppConfig app = new AppExportLoader().load(dir, problems);
        assertThat(problems).isEmpty();
        assertThat(app.clientAppId()).isEqualTo("myapp-abcde");
        assertThat(app.appObjectId()).isEqualTo("64b6e7c2f2c7a2a4c5d1e2f3");
        assertThat(app.name()).isEqualTo("myapp");
        assertThat(app.deploymentModel()).isEqualTo("LOCAL");
        assertThat(app.location()).isEqualTo("aws-eu-west-1");
        assertThat(app.allowedRequestOrigins()).containsExactly("https://app.example");
        assertThat(app.userpass().autoConfirm()).isTrue();
        assertThat(app.userpass().resetPasswordUrl()).isEqualTo("https://app.example/reset");
        assertThat(app.userpass().resetPasswordSubject()).isEqualTo("Reset it");
    }

    @Test
    void reads_the_realm_cli_v2_layout_with_functions() throws IOException {
        write(dir.resolve("realm_config.json"), "{\"app_id\":\"tasks-xyzzy\",\"name\":\"tasks\",\"config_version\":20210101}");
        write(dir.resolve("auth/providers.json"), "{\"local-userpass\":{\"name\":\"local-userpass\",\"type\":\"local-userpass\","
                + "\"config\":{\"autoConfirm\":false,\"confirmationFunctionName\":\"confirmUser\"}}}");
        write(dir.resolve("functions/config.json"), "[{\"name\":\"confirmUser\",\"private\":true}]");
        write(dir.resolve("functions/confirmUser.js"), "exports = ({token, tokenId, username}) => ({status: 'pending'});");
        List<String> problems = new ArrayList<>();
        AppConfig app = new AppExportLoader().load(dir, problems);
        assertThat(problems).isEmpty();
        assertThat(app.clientAppId()).isEqualTo("tasks-xyzzy");
        assertThat(app.appObjectId()).matches("[0-9a-f]{24}");
        assertThat(app.functions()).containsKey("confirmUser");
        assertThat(app.functions().get("confirmUser").isPrivate()).isTrue();
    }

    @Test
    void reads_the_legacy_stitch_layout() throws IOException {
        write(dir.resolve("config.json"), "{\"app_id\":\"legacy-qwert\",\"name\":\"legacy\",\"security\":{\"allowed_request_origins\":[\"http://a.test\"]}}");
        write(dir.resolve("auth_providers/local-userpass.json"), "{\"name\":\"local-userpass\",\"type\":\"local-userpass\","
                + "\"config\":{\"autoConfirm\":true}}");
        write(dir.resolve("functions/helper/config.json"), "{\"name\":\"helper\"}");
        write(dir.resolve("functions/helper/source.js"), "exports = function() { return 1; };");
        List<String> problems = new ArrayList<>();
        AppConfig app = new AppExportLoader().load(dir, problems);
        assertThat(problems).isEmpty();
        assertThat(app.clientAppId()).isEqualTo("legacy-qwert");
        assertThat(app.allowedRequestOrigins()).containsExactly("http://a.test");
        assertThat(app.userpass().autoConfirm()).isTrue();
        assertThat(app.functions()).containsKey("helper");
    }

    @Test
    void reports_every_problem_at_once() throws IOException {
        currentExport(dir, "bad app!", "{\"autoConfirm\":\"yes\",\"confirmEmailSubject\":\"" + "s".repeat(257) + "\","
                + "\"resetPasswordSubject\":\"" + "r".repeat(300) + "\",\"runResetFunction\":true,\"resetFunctionName\":\"missing\","
                + "\"emailConfirmationUrl\":\"not a url\"}");
        write(dir.resolve("functions/config.json"), "[{\"name\":\"nosource\"}]");
        List<String> problems = new ArrayList<>();
        assertThat(new AppExportLoader().load(dir, problems)).isNull();
        assertThat(String.join("\n", problems)).contains(
                "client app id 'bad app!'",
                "autoConfirm must be true or false",
                "confirmEmailSubject is longer than 256 characters",
                "resetPasswordSubject is longer than 256 characters",
                "resetFunctionName names function 'missing', which does not exist in functions/",
                "emailConfirmationUrl must be an absolute http(s) URL",
                "function 'nosource' has no source file nosource.js");
        assertThat(problems).allMatch(p -> p.startsWith(dir + ": "));
    }

    @Test
    void a_missing_directory_or_broken_json_is_reported() throws IOException {
        List<String> problems = new ArrayList<>();
        new AppExportLoader().load(dir.resolve("absent"), problems);
        write(dir.resolve("broken/root_config.json"), "{oops");
        new AppExportLoader().load(dir.resolve("broken"), problems);
        assertThat(String.join("\n", problems)).contains("not a directory", "root_config.json is not valid JSON",
                "no client app id");
    }

    @Test
    void start_up_refuses_invalid_settings_and_apps_listing_all_problems() throws IOException {
        Path first = currentExport(dir.resolve("one"), "same-app", "{\"confirmEmailSubject\":\"" + "x".repeat(257) + "\"}");
        Path second = currentExport(dir.resolve("two"), "same-app", "{}");
        Path third = currentExport(dir.resolve("three"), "same-app", "{}");
        ServerConfig config = ServerConfig.defaults(dir.resolve("data")).withPort(-1).withAppDirs(List.of(first, second, third));
        assertThatThrownBy(() -> Gatehouse.start(config))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).anySatisfy(p -> assertThat(p).contains("port must be"))
                        .anySatisfy(p -> assertThat(p).contains("confirmEmailSubject is longer than 256"))
                        .anySatisfy(p -> assertThat(p).contains("three: client app id 'same-app' is already used by")));
    }

    @Test
    void links_get_token_parameters_with_the_right_separator() {
        assertThat(Urls.withTokenParameters("https://a.test/confirm", "t", "i")).isEqualTo("https://a.test/confirm?token=t&tokenId=i");
        assertThat(Urls.withTokenParameters("https://a.test/c?lang=en", "t", "i")).isEqualTo("https://a.test/c?lang=en&token=t&tokenId=i");
        assertThat(Urls.withTokenParameters("https://a.test/c?", "t", "i")).isEqualTo("https://a.test/c?token=t&tokenId=i");
        assertThat(Urls.withTokenParameters("https://a.test/#/confirm", "t", "i")).isEqualTo("https://a.test/?token=t&tokenId=i#/confirm");
    }
}
