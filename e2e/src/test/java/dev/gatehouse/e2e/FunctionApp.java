package dev.gatehouse.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.AppExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The realm-web suite's function app: an export whose confirmation and reset are the JavaScript
 * functions in {@code realm-web/functions} (App Services style), which report each call, with its
 * token, to a {@link FunctionCallRecorder} at {@code recorderUrl} (the export's value {@code recorderUrl}).
 */
final class FunctionApp {
    static final String ID = "gatehouse-functions";
    static final String PROVIDER = "{\"autoConfirm\":false,"
            + "\"runConfirmationFunction\":true,\"confirmationFunctionName\":\"confirmFunc\","
            + "\"runResetFunction\":true,\"resetFunctionName\":\"resetFunc\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionApp() {}

    /** Writes the export under {@code exports} and returns its directory. */
    static Path export(Path exports, String recorderUrl) throws IOException {
        Path functions = Path.of("realm-web", "functions");
        return AppExport.of(exports, ID)
                .provider(PROVIDER)
                .function("confirmFunc", Files.readString(functions.resolve("confirmFunc.js")))
                .function("resetFunc", Files.readString(functions.resolve("resetFunc.js")))
                .value("recorderUrl", JSON.writeValueAsString(recorderUrl), false)
                .write();
    }
}
