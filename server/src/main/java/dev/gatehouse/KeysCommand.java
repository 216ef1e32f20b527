package dev.gatehouse;

import dev.gatehouse.db.Database;
import dev.gatehouse.session.SigningKeys;
import dev.gatehouse.token.Ids;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse keys}: the token-signing keys in the database. A rotation made here is used by
 * every node within its {@code --signing-key-refresh} interval, with no restart.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "List, rotate or remove the keys that sign access and refresh tokens.")
final class KeysCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", description = "list, rotate or remove")
    String action;

    @Parameters(index = "1", arity = "0..1", description = "the key id, for remove")
    String kid;

    @Override
    public Integer call() {
        if (!database.problems().isEmpty()) {
            database.problems().forEach(System.err::println);
            return 2;
        }
        try (Database db = database.open()) {
            switch (action) {
                case "list" -> SigningKeys.list(db).forEach(k ->
                        System.out.println(k.kid() + "  " + k.createdAt() + (k.active() ? "  active" : "")));
                case "rotate" -> {
                    Clock clock = Clock.systemUTC();
                    SecureRandom random = new SecureRandom();
                    SigningKeys.KeyInfo key = SigningKeys.rotate(db, clock, new Ids(clock, random), random);
                    System.out.println("key " + key.kid() + " is now active; nodes sign with it within their refresh interval");
                }
                case "remove" -> {
                    if (kid == null) {
                        System.err.println("keys remove needs a key id (see keys list)");
                        return 2;
                    }
                    if (!SigningKeys.remove(db, kid)) {
                        System.err.println("no key " + kid);
                        return 1;
                    }
                    System.out.println("key " + kid + " removed; tokens it signed stop verifying");
                }
                default -> {
                    System.err.println("action must be list, rotate or remove, got '" + action + "'");
                    return 2;
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        return 0;
    }
}
