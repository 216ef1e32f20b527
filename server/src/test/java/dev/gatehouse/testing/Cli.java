package dev.gatehouse.testing;

import dev.gatehouse.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs {@code gatehouse <args>} in this JVM, as the launcher would, with stdin given and stdout and
 * stderr captured. System streams are swapped for the call: not for tests that run in parallel.
 */
public final class Cli {
    private Cli() {}

    /** What one command printed and returned. */
    public record Run(int exit, String out, String err) {}

    public static Run run(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            CommandLine cli = new CommandLine(new Main());
            cli.setOut(new PrintWriter(System.out, true));
            cli.setErr(new PrintWriter(System.err, true));
            int exit = cli.execute(args);
            return new Run(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }
}
