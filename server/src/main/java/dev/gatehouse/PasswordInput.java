package dev.gatehouse;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How CLI commands take a new password: from an environment variable, from stdin, or asked twice
 * on the terminal; never from a flag, since flags show in the process list.
 */
final class PasswordInput {
    private PasswordInput() {}

    /** The password, or null after printing why there is none. */
    static String read(String variable, boolean fromStdin, String promptName) throws IOException {
        String fromEnvironment = System.getenv(variable);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        if (fromStdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                System.err.println("--password-stdin: stdin was empty");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            System.err.println("no terminal to ask for the password: set " + variable + " or use --password-stdin");
            return null;
        }
        char[] first = console.readPassword("Password for %s: ", promptName);
        char[] second = console.readPassword("Again: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            System.err.println("the passwords differ");
            return null;
        }
        return new String(first);
    }
}
