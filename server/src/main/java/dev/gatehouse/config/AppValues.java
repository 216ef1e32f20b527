package dev.gatehouse.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;

/**
 * What an export gives its functions besides their code: {@code values/*.json} (read through
 * {@code context.values.get}) and the environment ({@code context.environment}).
 *
 * @param environment the root config's {@code environment} tag ("" when absent)
 * @param environmentValues {@code environments/<tag>.json}'s {@code values} object (empty when absent)
 * @param values the app's values by name
 */
public record AppValues(String environment, JsonNode environmentValues, Map<String, Value> values) {

    public AppValues {
        values = Map.copyOf(values);
    }

    public static AppValues none() {
        return new AppValues("", JsonNodeFactory.instance.objectNode(), Map.of());
    }

    /**
     * One value file.
     *
     * @param value the JSON value; for a secret, the secret's name (App Services never exports secrets)
     * @param fromSecret whether the value is read from the server's secrets at run time
     */
    public record Value(JsonNode value, boolean fromSecret) {}
}
