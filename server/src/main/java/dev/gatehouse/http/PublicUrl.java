package dev.gatehouse.http;

import io.javalin.http.Context;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's externally reachable origin (no trailing slash), as configured or, by default,
 * {@code http://localhost:<bound port>}. It is known only once the listener is bound, which is
 * why it is a settable holder rather than a constructor argument.
 */
public final class PublicUrl {
    static final String ATTRIBUTE = "gatehouse.publicUrl";
    private final AtomicReference<String> value = new AtomicReference<>();

    public void set(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!value.compareAndSet(null, trimmed)) {
            throw new IllegalStateException("public URL already set");
        }
    }

    public String get() {
        return Objects.requireNonNull(value.get(), "public URL not known before the server is bound");
    }

    /** The URL, or an empty string in the instant between binding and {@link #set}. */
    String orEmpty() {
        String url = value.get();
        return url == null ? "" : url;
    }

    /** The {@code ws://} or {@code wss://} twin of the public URL, for the location reply. */
    public String websocket() {
        String url = get();
        return url.startsWith("https://") ? "wss://" + url.substring(8) : "ws://" + url.substring(url.indexOf("://") + 3);
    }

    static String of(Context ctx) {
        Object url = ctx.attribute(ATTRIBUTE);
        return url == null ? "" : url.toString();
    }
}
