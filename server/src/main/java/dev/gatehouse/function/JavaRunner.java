package dev.gatehouse.function;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A registered Java function, run on a virtual thread so that the timeout can stop waiting for it. */
final class JavaRunner implements FunctionRunner {
    private final GatehouseFunction function;
    private final ExecutorService threads;
    private final Duration timeout;

    JavaRunner(GatehouseFunction function, ExecutorService threads, Duration timeout) {
        this.function = function;
        this.threads = threads;
        this.timeout = timeout;
    }

    @Override
    public FunctionStatus run(FunctionCall call) throws FunctionFailure {
        Future<FunctionStatus> result = threads.submit(() -> function.call(call));
        try {
            FunctionStatus status = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (status == null) {
                throw new FunctionFailure("returned null instead of a status");
            }
            return status;
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new FunctionFailure("timed out after " + timeout.toMillis() + "ms (interrupted)");
        } catch (ExecutionException e) {
            throw new FunctionFailure("threw " + e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FunctionFailure("interrupted while waiting for the function");
        }
    }

    @Override
    public String kind() {
        return "java";
    }
}
