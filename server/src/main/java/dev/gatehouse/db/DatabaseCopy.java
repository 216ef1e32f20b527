package dev.gatehouse.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Copies every row of one Gatehouse database into a new, empty PostgreSQL database: the way from
 * the embedded SQLite default to a production PostgreSQL without losing users, sessions, signing
 * keys (so issued tokens stay valid), pending tokens, queued mail or admins. Both databases are
 * migrated to the same schema when opened, so the columns match by name.
 *
 * <p>All rows go in one PostgreSQL transaction: a copy that fails leaves the target empty, ready for
 * another try. The source is only read. Nodes must be stopped while it runs, or rows written
 * meanwhile are not copied.
 */
public final class DatabaseCopy {
    /**
     * Every table, parents before the tables that reference them. A migration that adds a table
     * must add it here: {@link #copy} refuses a source with a table it does not know.
     */
    static final List<String> TABLES = List.of("users", "user_tokens", "sessions", "signing_keys", "dev_mail", "outbox",
            "admins", "admin_sessions", "provider_settings", "rate_limits");
    /** Tables whose {@code seq} is an identity column on PostgreSQL: copied as is, then the sequence moves past them. */
    private static final List<String> IDENTITY = List.of("dev_mail", "outbox");
    private static final int BATCH = 500;

    private DatabaseCopy() {}

    /**
     * Copies {@code from} into {@code to}; returns the rows copied per table.
     *
     * @throws IllegalArgumentException when {@code to} is not PostgreSQL, already holds rows, or
     *     {@code from} has a table this version does not know
     */
    public static Map<String, Long> copy(Database from, Database to) {
        if (to.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("the target must be a PostgreSQL database (--to-database-url)");
        }
        List<String> unknown = from.withHandle(h -> tables(h.getConnection())).stream()
                .filter(t -> !TABLES.contains(t)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the source has tables this version cannot copy: " + unknown);
        }
        for (String table : TABLES) {
            if (count(to, table) > 0) {
                throw new IllegalArgumentException("the target already holds data (table " + table
                        + "); copy only into a new, empty database");
            }
        }
        Map<String, Long> copied = new LinkedHashMap<>();
        to.inTransaction(target -> {
            for (String table : TABLES) {
                copied.put(table, from.withHandle(source -> copyTable(source.getConnection(), target.getConnection(), table)));
            }
            for (String table : IDENTITY) {
                // The next row gets max(seq) + 1, as it would have on the source.
                target.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'seq'), "
                        + "COALESCE((SELECT MAX(seq) FROM " + table + "), 0) + 1, false)");
            }
            return null;
        });
        for (String table : TABLES) {
            long there = count(to, table);
            if (there != copied.get(table)) {
                throw new IllegalStateException("table " + table + ": copied " + copied.get(table) + " rows, found " + there);
            }
        }
        return copied;
    }

    private static long copyTable(Connection source, Connection target, String table) {
        try (Statement select = source.createStatement(); ResultSet rows = select.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ")"
                    + (IDENTITY.contains(table) ? " OVERRIDING SYSTEM VALUE" : "")
                    + " VALUES (" + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
            long count = 0;
            try (PreparedStatement put = target.prepareStatement(insert)) {
                while (rows.next()) {
                    for (int i = 1; i <= columns.size(); i++) {
                        put.setObject(i, rows.getObject(i));
                    }
                    put.addBatch();
                    if (++count % BATCH == 0) {
                        put.executeBatch();
                    }
                }
                put.executeBatch();
            }
            return count;
        } catch (SQLException e) {
            // The whole copy rolls back; say where it stopped and why (a row the target refused).
            SQLException next = e.getNextException();
            throw new IllegalStateException("copying table " + table + " failed, nothing was copied: " + e.getMessage()
                    + (next != null ? " (" + next.getMessage() + ")" : ""), e);
        }
    }

    /** The application's tables (not Flyway's history, not SQLite's own). */
    private static List<String> tables(Connection connection) {
        TreeSet<String> tables = new TreeSet<>();
        try (ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if ((schema == null || schema.equalsIgnoreCase("public")) && !name.startsWith("sqlite_")
                        && !name.equals("flyway_schema_history")) {
                    tables.add(name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the source's tables: " + e.getMessage(), e);
        }
        return List.copyOf(tables);
    }

    private static long count(Database database, String table) {
        return database.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }
}
