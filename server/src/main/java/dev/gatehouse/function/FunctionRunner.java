package dev.gatehouse.function;

/** Runs one function, of whichever kind: JavaScript, webhook or Java. Thread-safe. */
interface FunctionRunner {
    FunctionStatus run(FunctionCall call) throws FunctionFailure;

    /** The kind, for logs: "javascript", "webhook" or "java". */
    String kind();
}
