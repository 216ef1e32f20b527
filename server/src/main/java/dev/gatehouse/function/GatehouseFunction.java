package dev.gatehouse.function;

/**
 * A confirmation or reset function written in Java, for applications that embed Gatehouse and would
 * rather not write JavaScript. Register it by name with {@link JavaFunctions}; a provider names it
 * in {@code confirmationFunctionName} or {@code resetFunctionName} as it would a JavaScript function.
 *
 * <pre>{@code
 * JavaFunctions functions = JavaFunctions.none()
 *         .with("confirmFunc", call -> call.username().endsWith("@example.com")
 *                 ? FunctionStatus.SUCCESS : FunctionStatus.FAIL);
 * Gatehouse server = Gatehouse.start(config, functions);
 * }</pre>
 *
 * <p>Called from many threads at once, so implementations must be thread-safe. A call that throws,
 * returns null or runs past the function timeout (it is then interrupted) counts as a failure.
 */
@FunctionalInterface
public interface GatehouseFunction {
    FunctionStatus call(FunctionCall call) throws Exception;
}
