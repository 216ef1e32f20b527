package dev.gatehouse.config;

/**
 * One App Services function from an export's {@code functions/} directory: JavaScript as exported,
 * or (a Gatehouse extension) a webhook that Gatehouse calls instead.
 *
 * @param name the name used in {@code functions/config.json} and by the provider config
 * @param isPrivate whether clients may call it directly (App Services {@code private})
 * @param source the JavaScript source ({@code exports = ...}), or null for a webhook
 * @param webhook where to POST the call, or null for JavaScript
 */
public record FunctionSource(String name, boolean isPrivate, String source, Webhook webhook) {

    public FunctionSource {
        if ((source == null) == (webhook == null)) {
            throw new IllegalArgumentException("a function is either JavaScript or a webhook");
        }
    }

    /**
     * A function served over HTTP: {@code "webhook": {"url": ..., "secret_name": ...}} in
     * {@code functions/config.json}.
     *
     * @param url the endpoint; https, or http to a loopback address
     * @param secretName names the server secret that signs each call (never the secret itself)
     */
    public record Webhook(String url, String secretName) {}
}
