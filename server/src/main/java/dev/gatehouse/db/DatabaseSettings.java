package dev.gatehouse.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which database a server uses. No URL: the embedded SQLite file in the data directory, for one
 * machine. A PostgreSQL URL: a shared database that several stateless nodes can use at once.
 * Immutable; {@link #toString} never shows the password.
 *
 * @param url {@code jdbc:postgresql://host:port/db?...} or the libpq form
 *     {@code postgres://user:password@host:port/db?...} that managed providers hand out; null for SQLite
 * @param user database user, or null to take it from the URL
 * @param password database password, or null to take it from the URL
 * @param poolSize most connections this node opens
 */
public record DatabaseSettings(String url, String user, String password, int poolSize) {
    private static final String JDBC_PREFIX = "jdbc:postgresql://";

    /** The embedded SQLite database. */
    public static DatabaseSettings embedded() {
        return new DatabaseSettings(null, null, null, 8);
    }

    /** A PostgreSQL database at {@code url}, credentials in the URL or given. */
    public static DatabaseSettings postgres(String url, String user, String password, int poolSize) {
        return new DatabaseSettings(url, user, password, poolSize);
    }

    public Dialect dialect() {
        return url == null ? Dialect.SQLITE : Dialect.POSTGRESQL;
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (url != null) {
            try {
                jdbc();
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (poolSize < 1 || poolSize > 1000) {
            problems.add("database pool size must be between 1 and 1000, got " + poolSize);
        }
        return problems;
    }

    /** The URL in pgjdbc's form with the credentials taken out of it; user and password may be null. */
    Jdbc jdbc() {
        if (url.startsWith(JDBC_PREFIX)) {
            return new Jdbc(url, user, password);
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("database URL must start with jdbc:postgresql://, postgres:// or "
                    + "postgresql://, got '" + redacted(url) + "'");
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().length() < 2) {
                throw new IllegalArgumentException("database URL needs a host and a database name, got '" + redacted(url) + "'");
            }
            String fromUser = null;
            String fromPassword = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                fromUser = decode(parts[0]);
                fromPassword = parts.length > 1 ? decode(parts[1]) : null;
            }
            String jdbc = JDBC_PREFIX + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
                    + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            return new Jdbc(jdbc, user != null ? user : fromUser, password != null ? password : fromPassword);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL is not a valid URL: '" + redacted(url) + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced, fit for logs and error messages. */
    static String redacted(String url) {
        return url == null ? null : url.replaceAll("://([^:/@]*):[^@/]*@", "://$1:***@")
                .replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    /** Where this node's data lives, for the start-up log. */
    public String describe() {
        return url == null ? "embedded SQLite" : "PostgreSQL " + redacted(url);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + redacted(url) + ", user=" + user + ", password=" + (password == null ? null : "***")
                + ", poolSize=" + poolSize + "]";
    }

    record Jdbc(String url, String user, String password) {}
}
