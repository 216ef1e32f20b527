package dev.gatehouse;

import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.admin.AdminException;
import dev.gatehouse.admin.UserAdmin;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.Json;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.password.BreachedPasswordSettings;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.Ids;
import dev.gatehouse.token.UserTokens;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse users}: list, create, import, confirm, delete, disable and enable the users of one app.
 * Exit codes: 0 done, 1 no such user or refused (a duplicate email), 2 bad usage or input.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "List and manage the Email/Password users of an app.",
        subcommands = {UsersCommand.ListUsers.class, UsersCommand.Create.class, UsersCommand.Confirm.class,
                UsersCommand.Delete.class, UsersCommand.Disable.class, UsersCommand.Enable.class,
                UsersCommand.Import.class})
final class UsersCommand implements Runnable {
    static final String PASSWORD_VARIABLE = "GATEHOUSE_NEW_PASSWORD";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The flags every users subcommand shares, and the service they reach. */
    static final class Target {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--app-id", defaultValue = "${env:GATEHOUSE_APP_ID:-gatehouse-local}",
                description = "Client app id the users belong to (env GATEHOUSE_APP_ID, default ${DEFAULT-VALUE}).")
        String appId;

        /** Opens the database, runs {@code work} with the service, and maps refusals to exit codes. */
        int run(HashParameters hashing, Function<UserAdmin, Integer> work) {
            return run(hashing, BreachedPasswords.off(), work);
        }

        int run(HashParameters hashing, BreachedPasswords breached, Function<UserAdmin, Integer> work) {
            if (!database.problems().isEmpty()) {
                database.problems().forEach(System.err::println);
                return 2;
            }
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            Ids ids = new Ids(clock, random);
            try (Database db = database.open()) {
                // The token lifetime matters to no admin action: they only remove tokens.
                UserAdmin admin = new UserAdmin(db, new UserStore(), new SessionStore(),
                        new UserTokens(clock, ids, Duration.ofMinutes(30), true),
                        new PasswordHasher(hashing, random), ids, clock, breached);
                return work.apply(admin);
            } catch (AdminException e) {
                System.err.println(e.getMessage());
                return e.reason() == AdminException.Reason.INVALID ? 2 : 1;
            } catch (ApiException e) {
                // The breached-password API could not be asked under --breached-password-fail closed.
                System.err.println(e.getMessage());
                return 1;
            }
        }

        int run(Function<UserAdmin, Integer> work) {
            // Hashes are made only by create, which passes its own parameters; the decoy hash
            // PasswordHasher makes at construction costs little at the minimum.
            return run(new HashParameters(8, 1, 1), work);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print one JSON object per user (never its password hash), ordered by email.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--search", description = "Only emails containing this text, ignoring ASCII case.")
        String search;

        @Option(names = "--pending", description = "Only users not yet confirmed.")
        boolean pending;

        @Option(names = "--limit", defaultValue = "100", description = "Most users to print (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", defaultValue = "0", description = "Users to skip, for the next page (default ${DEFAULT-VALUE}).")
        long offset;

        @Override
        public Integer call() {
            return target.run(admin -> {
                UserAdmin.Page page = admin.list(target.appId, search, pending, limit, offset);
                for (User user : page.users()) {
                    System.out.println(json(user));
                }
                System.err.println(page.users().size() + " of " + page.total() + " user(s) from offset " + offset);
                return 0;
            });
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a confirmed user. The password comes from the environment variable "
                    + PASSWORD_VARIABLE + ", from stdin with --password-stdin, or is asked for on the terminal; "
                    + "never from a flag, since flags show in the process list.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--email", required = true, description = "The new user's email.")
        String email;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Mixin
        BreachedPasswordOptions breachedPasswords;

        @Option(names = "--argon2-memory-kib", defaultValue = "${env:GATEHOUSE_ARGON2_MEMORY_KIB:-19456}",
                description = "Argon2id memory in KiB, as the server's flag (default ${DEFAULT-VALUE}).")
        int argonMemory;

        @Option(names = "--argon2-iterations", defaultValue = "${env:GATEHOUSE_ARGON2_ITERATIONS:-2}",
                description = "Argon2id iterations, as the server's flag (default ${DEFAULT-VALUE}).")
        int argonIterations;

        @Option(names = "--argon2-parallelism", defaultValue = "${env:GATEHOUSE_ARGON2_PARALLELISM:-1}",
                description = "Argon2id lanes, as the server's flag (default ${DEFAULT-VALUE}).")
        int argonParallelism;

        @Override
        public Integer call() throws IOException {
            HashParameters hashing = new HashParameters(argonMemory, argonIterations, argonParallelism);
            if (!hashing.problems().isEmpty()) {
                hashing.problems().forEach(System.err::println);
                return 2;
            }
            List<String> problems = new ArrayList<>();
            BreachedPasswordSettings breachedSettings = breachedPasswords.settings(problems);
            if (!problems.isEmpty()) {
                problems.forEach(System.err::println);
                return 2;
            }
            BreachedPasswords breached;
            try {
                breached = BreachedPasswords.open(breachedSettings);
            } catch (IOException e) {
                System.err.println("breached password file: " + e.getMessage());
                return 2;
            }
            String password = PasswordInput.read(PASSWORD_VARIABLE, passwordStdin, email);
            if (password == null) {
                return 2;
            }
            return target.run(hashing, breached, admin -> {
                User user = admin.create(target.appId, email, password);
                System.out.println(json(user));
                return 0;
            });
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Create users with password hashes from another system (bcrypt, scrypt, PBKDF2, Argon2; "
                    + "see docs/passwords.md), one JSON object per line: {\"email\": ..., \"password_hash\": ..., "
                    + "\"confirmed\": true|false}. Every line is checked first; any problem imports nothing. "
                    + "Each hash becomes Argon2id at the user's first login.")
    static final class Import implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "<file.jsonl>", description = "The users, one JSON object per line (UTF-8).")
        java.nio.file.Path file;

        @Override
        public Integer call() {
            dev.gatehouse.admin.UserImport.Parsed parsed;
            try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(file)) {
                parsed = dev.gatehouse.admin.UserImport.read(reader);
            } catch (IOException e) {
                System.err.println("cannot read " + file + ": " + e.getMessage());
                return 2;
            }
            if (!parsed.problems().isEmpty()) {
                parsed.problems().forEach(System.err::println);
                System.err.println("nothing imported");
                return 2;
            }
            int total = parsed.entries().size();
            System.err.println("checked " + total + " user(s); importing into app " + target.appId);
            return target.run(admin -> {
                int written = admin.importUsers(target.appId, parsed.entries(),
                        n -> System.err.println("imported " + n + " of " + total));
                System.out.println("imported " + written + " user(s) into app " + target.appId);
                return 0;
            });
        }
    }

    /** What confirm, delete, disable and enable share: one user, named by email or id, and a line saying what happened. */
    abstract static class OneUser implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "<email-or-id>", description = "The user's email or id.")
        String user;

        /** Does the action and returns the line to print. */
        abstract String act(UserAdmin admin, String appId, String user);

        @Override
        public Integer call() {
            return target.run(admin -> {
                System.out.println(act(admin, target.appId, user));
                return 0;
            });
        }
    }

    @Command(name = "confirm", mixinStandardHelpOptions = true,
            description = "Confirm a pending user, as its confirmation link would.")
    static final class Confirm extends OneUser {
        @Override
        String act(UserAdmin admin, String appId, String user) {
            return admin.confirm(appId, user) ? user + " confirmed" : user + " was already confirmed";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a user with its sessions and pending links.")
    static final class Delete extends OneUser {
        @Override
        String act(UserAdmin admin, String appId, String user) {
            return describe(admin.delete(appId, user)) + " deleted";
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Stop a user logging in and end its sessions now.")
    static final class Disable extends OneUser {
        @Override
        String act(UserAdmin admin, String appId, String user) {
            return describe(admin.disable(appId, user)) + " disabled; its sessions are revoked";
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a disabled user log in again.")
    static final class Enable extends OneUser {
        @Override
        String act(UserAdmin admin, String appId, String user) {
            return describe(admin.enable(appId, user)) + " enabled";
        }
    }

    private static String describe(User user) {
        return "user " + user.id() + " (" + user.email() + ")";
    }

    /** A user as printed: what an operator needs, never the password hash. */
    static String json(User user) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user.id());
        row.put("email", user.email());
        row.put("confirmed", user.confirmed());
        row.put("disabled", user.disabled());
        row.put("created_at", user.createdAt().toString());
        try {
            return Json.MAPPER.writeValueAsString(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
