package dev.gatehouse.config;

/**
 * One App Services function from an export's {@code functions/} directory, loaded now and run by a
 * later issue's function runtime.
 *
 * @param name the name used in {@code functions/config.json} and by the provider config
 * @param isPrivate whether clients may call it directly (App Services {@code private})
 * @param source the JavaScript source ({@code exports = ...})
 */
public record FunctionSource(String name, boolean isPrivate, String source) {}
