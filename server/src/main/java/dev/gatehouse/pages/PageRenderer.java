package dev.gatehouse.pages;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.http.PageHeaders;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders the hosted pages from the Mustache templates in {@code resources/pages} and writes them
 * with the pages' security headers. Every value is HTML-escaped (app names come from exports,
 * emails from users); unescaped are only the layout's already-rendered content and the texts of
 * {@link PageTexts}, which escapes them itself. Templates are
 * compiled once, at start. Thread-safe.
 */
final class PageRenderer {
    /**
     * No script at all and styles only from this origin, so injected markup could do little; forms
     * post only here, and no other site may frame a page (clickjacking the confirm button).
     */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Mustache.Compiler compiler = Mustache.compiler()
            .escapeHTML(true)
            .defaultValue("")
            .withLoader(PageRenderer::reader);
    private final Template layout = compile("layout");
    private final Map<String, Template> pages = new HashMap<>();
    private final byte[] css = resource("pages.css");
    /** Per client app id, the app's texts and stylesheet; unknown apps get the built-in texts and no stylesheet. */
    private final Map<String, AppPages> pagesByApp;

    PageRenderer(Map<String, AppPages> pagesByApp) {
        this.pagesByApp = Map.copyOf(pagesByApp);
        for (String name : new String[] {"confirm", "reset", "message"}) {
            pages.put(name, compile(name));
        }
    }

    /**
     * Writes one page in the language the browser asks for ({@link PageTexts#choose}), among those the
     * app's texts speak.
     *
     * @param app whose name is shown above the heading and whose texts are used; null for none (an
     *     unknown app: the built-in texts)
     * @param titleKey the text of the page's one {@code h1}, also its title
     * @param values the template's values; {@code messageKey} and {@code errorKey} name texts shown as
     *     {@code message} and {@code error}; {@code email}, {@code min} and {@code max} fill the texts
     */
    void send(Context ctx, int status, String page, AppConfig app, String titleKey, Map<String, Object> values) {
        AppPages appPages = of(app);
        PageTexts texts = appPages.texts();
        String language = texts.choose(ctx.header("Accept-Language"));
        Map<String, Object> all = new HashMap<>(values);
        all.put("appName", app == null ? "" : app.name());
        all.put("hasApp", app != null);
        all.put("appStyle", appPages.style() != null);
        all.put("lang", language);
        all.put("title", texts.html(language, titleKey, values));
        all.put("t", texts.forTemplates(language, values));
        if (values.get("messageKey") instanceof String key) {
            all.put("message", texts.html(language, key, values));
        }
        if (values.get("errorKey") instanceof String key) {
            all.put("error", texts.html(language, key, values));
        }
        String content = pages.get(page).execute(all);
        all.put("content", content);
        String html = layout.execute(all);
        ctx.status(status);
        PageHeaders.apply(ctx, CONTENT_SECURITY_POLICY);
        // Tokens are in the URL and in the form: neither the page nor anything it loads is kept.
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Language", language);
        // Added to, not replacing, a Vary set earlier (CORS sets one on the API's routes).
        String vary = ctx.res().getHeader("Vary");
        ctx.header("Vary", vary == null || vary.isBlank() ? "Accept-Language" : vary + ", Accept-Language");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(html.getBytes(StandardCharsets.UTF_8));
    }

    private AppPages of(AppConfig app) {
        return app == null ? AppPages.BUILT_IN : pagesByApp.getOrDefault(app.clientAppId(), AppPages.BUILT_IN);
    }

    /** The pages' stylesheet (the policy allows no inline style). */
    void sendCss(Context ctx) {
        sendCss(ctx, css);
    }

    /** The app's own stylesheet, linked after the built-in one; false when it has none. */
    boolean sendAppCss(Context ctx, AppConfig app) {
        byte[] style = of(app).style();
        if (style != null) {
            sendCss(ctx, style);
        }
        return style != null;
    }

    private static void sendCss(Context ctx, byte[] body) {
        ctx.status(200);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType("text/css; charset=utf-8");
        ctx.result(body);
    }

    private Template compile(String name) {
        try (Reader reader = reader(name)) {
            return compiler.compile(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reader reader(String name) {
        return new InputStreamReader(open(name + ".mustache"), StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = PageRenderer.class.getResourceAsStream("/pages/" + name);
        if (in == null) {
            throw new IllegalStateException("missing resource pages/" + name);
        }
        return in;
    }
}
