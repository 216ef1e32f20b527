package dev.gatehouse.health;

import dev.gatehouse.db.Database;
import dev.gatehouse.http.Responses;
import io.javalin.Javalin;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes for load balancers and orchestrators. Liveness says the process serves HTTP; readiness
 * also says the database answers, so a node cut off from it leaves the pool instead of failing
 * every request. Neither reveals more than up or down.
 */
public final class HealthRoutes {
    private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);

    private final Database database;

    public HealthRoutes(Database database) {
        this.database = database;
    }

    public void register(Javalin javalin) {
        javalin.get("/health/live", ctx -> Responses.json(ctx, 200, Map.of("status", "up")));
        javalin.get("/health/ready", ctx -> {
            if (databaseAnswers()) {
                Responses.json(ctx, 200, Map.of("status", "up", "database", "up"));
            } else {
                Responses.json(ctx, 503, Map.of("status", "down", "database", "down"));
            }
        });
    }

    private boolean databaseAnswers() {
        try {
            return database.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            log.warn("readiness: the database does not answer: {}", e.toString());
            return false;
        }
    }
}
