package dev.gatehouse;

import dev.gatehouse.admin.AdminAccounts;
import dev.gatehouse.admin.AdminException;
import dev.gatehouse.db.Database;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.token.Ids;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse admin}: who may use the admin API and console. Exit codes: 0 done, 1 refused
 * (a name in use, none to remove), 2 bad usage or input.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Create, list and remove the admins who may use the admin API and console.",
        subcommands = {AdminCommand.AddUser.class, AdminCommand.AddKey.class, AdminCommand.ListAdmins.class,
                AdminCommand.Remove.class})
final class AdminCommand implements Runnable {
    static final String PASSWORD_VARIABLE = "GATEHOUSE_ADMIN_PASSWORD";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Opens the database, runs {@code work} with the accounts, and maps refusals to exit codes. */
    static int withAccounts(DatabaseOptions database, Function<AdminAccounts, Integer> work) {
        if (!database.problems().isEmpty()) {
            database.problems().forEach(System.err::println);
            return 2;
        }
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        try (Database db = database.open()) {
            // The server's default cost: admins sign in rarely, and their secrets guard every user.
            return work.apply(new AdminAccounts(db, new PasswordHasher(HashParameters.OWASP, random),
                    new Ids(clock, random), clock));
        } catch (AdminException e) {
            System.err.println(e.getMessage());
            return e.reason() == AdminException.Reason.INVALID ? 2 : 1;
        }
    }

    @Command(name = "add-user", mixinStandardHelpOptions = true,
            description = "Create an admin user. The password (at least " + AdminAccounts.MIN_PASSWORD
                    + " characters) comes from the environment variable " + PASSWORD_VARIABLE
                    + ", from stdin with --password-stdin, or is asked for on the terminal.")
    static final class AddUser implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Parameters(index = "0", paramLabel = "<username>", description = "The admin's username.")
        String username;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            String password = PasswordInput.read(PASSWORD_VARIABLE, passwordStdin, username);
            if (password == null) {
                return 2;
            }
            return withAccounts(database, accounts -> {
                AdminAccounts.Admin admin = accounts.addUser(username, password);
                System.out.println("admin " + admin.name() + " created (" + admin.id() + ")");
                return 0;
            });
        }
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = "Create an admin API key and print it once: its private part is stored only as a hash.")
    static final class AddKey implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() {
            return withAccounts(database, accounts -> {
                AdminAccounts.ApiKey key = accounts.addApiKey();
                System.out.println("public key:  " + key.publicKey());
                System.out.println("private key: " + key.privateKey());
                System.err.println("Keep the private key now; it cannot be shown again. Sign in with POST "
                        + "/api/admin/v3.0/auth/providers/mongodb-cloud/login {\"username\": <public>, \"apiKey\": <private>}.");
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the admins (never their secrets).")
    static final class ListAdmins implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() {
            return withAccounts(database, accounts -> {
                accounts.list().forEach(a -> System.out.println(a.id() + "  " + (a.kind() == AdminAccounts.Kind.USER
                        ? "user   " : "api_key") + "  " + a.name() + "  " + a.createdAt()));
                return 0;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove an admin user or API key; its sessions end at once.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Parameters(index = "0", paramLabel = "<name-or-id>", description = "Username, API key public part, or id.")
        String name;

        @Override
        public Integer call() {
            return withAccounts(database, accounts -> {
                if (!accounts.remove(name)) {
                    System.err.println("no admin " + name);
                    return 1;
                }
                System.out.println("admin " + name + " removed");
                return 0;
            });
        }
    }
}
