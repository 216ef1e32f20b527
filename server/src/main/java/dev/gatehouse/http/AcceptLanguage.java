package dev.gatehouse.http;

import java.util.Collection;
import java.util.Locale;

/**
 * The one way Gatehouse picks a language from a request's {@code Accept-Language} (emails and the
 * hosted pages): the JDK's RFC 4647 lookup ({@link Locale#lookupTag}) over the weighted ranges of
 * RFC 9110, so {@code de-CH} gets German, higher weights win, an earlier range wins a tie, and
 * {@code q=0} excludes. A missing, blank or malformed header gets the fallback, never an error.
 */
public final class AcceptLanguage {
    private AcceptLanguage() {}

    /** The best of {@code offered} (lower-case language tags) for {@code header}, or {@code fallback}. */
    public static String best(String header, Collection<String> offered, String fallback) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        try {
            String tag = Locale.lookupTag(Locale.LanguageRange.parse(header), offered);
            return tag == null ? fallback : tag;
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
