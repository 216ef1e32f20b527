package dev.gatehouse.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.db.Database;
import dev.gatehouse.testing.TestServer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HealthTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    @Test
    void liveness_and_readiness_answer_up_while_the_database_answers() {
        HttpResponse<String> live = server.get(server.url() + "/health/live", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(live).path("status").asText()).isEqualTo("up");
        HttpResponse<String> ready = server.get(server.url() + "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(ready).path("database").asText()).isEqualTo("up");
    }

    @Test
    void readiness_answers_503_when_the_database_is_gone_and_liveness_stays_up(@TempDir Path dir) throws Exception {
        Database database = Database.sqlite(dir);
        database.close();  // as good as a database that stopped answering
        Javalin javalin = Javalin.create();
        new HealthRoutes(database).register(javalin);
        javalin.start("127.0.0.1", 0);
        try (HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + javalin.port();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = TestServer.parse(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("down");
            assertThat(body.path("database").asText()).isEqualTo("down");
            assertThat(ready.body()).as("no driver message leaks to the prober").doesNotContain("Exception", "closed");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } finally {
            javalin.stop();
        }
    }
}
