package dev.gatehouse.pages;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a query string or an {@code application/x-www-form-urlencoded} body. Parsed here,
 * not by the framework, because a malformed escape ({@code %zz}) must read as a missing field and
 * end in an "invalid link" page, never in a 500. The first value of a repeated name wins.
 */
record FormFields(Map<String, String> values) {
    static FormFields parse(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = decode(eq < 0 ? "" : pair.substring(eq + 1));
                if (name != null && value != null) {
                    values.putIfAbsent(name, value);
                }
            }
        }
        return new FormFields(Map.copyOf(values));
    }

    /** The field's value, or null when absent. */
    String get(String name) {
        return values.get(name);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
