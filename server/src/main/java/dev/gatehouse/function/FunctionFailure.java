package dev.gatehouse.function;

/**
 * A function call that produced no status: it threw, timed out, hit a limit, returned something
 * that is not {@code {status: 'success' | 'pending' | 'fail'}}, or its webhook did not answer. The
 * message is for the server log (it names what went wrong), never for the client.
 */
final class FunctionFailure extends Exception {
    FunctionFailure(String message) {
        super(message, null, false, false);
    }
}
