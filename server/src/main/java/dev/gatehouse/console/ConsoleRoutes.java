package dev.gatehouse.console;

import dev.gatehouse.http.PageHeaders;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The admin console: three static files from the classpath ({@code console/}), a client of the
 * admin API. Served with a policy that allows scripts and styles from this origin only, so that
 * text that reaches the page (emails, subjects) can never run as script, and no framing.
 */
public final class ConsoleRoutes {
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(String contentType, byte[] bytes) {}

    private final Map<String, Asset> assets = Map.of(
            "", load("index.html", "text/html; charset=utf-8"),
            "console.js", load("console.js", "text/javascript; charset=utf-8"),
            "console.css", load("console.css", "text/css; charset=utf-8"));

    public void register(Javalin javalin) {
        // The server ignores trailing slashes, so this serves /console and /console/ alike.
        javalin.get("/console", ctx -> serve(ctx, assets.get("")));
        javalin.get("/console/{file}", ctx -> {
            Asset asset = assets.get(ctx.pathParam("file"));
            if (asset == null) {
                ctx.status(404).contentType("text/plain; charset=utf-8").result("not found");
                return;
            }
            serve(ctx, asset);
        });
    }

    private static void serve(Context ctx, Asset asset) {
        PageHeaders.apply(ctx, POLICY);
        // Small files, and a new version must show at once after an upgrade.
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console/" + name + " is missing from the classpath");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
