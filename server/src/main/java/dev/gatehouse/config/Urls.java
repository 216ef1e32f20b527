package dev.gatehouse.config;

import java.net.URI;
import java.net.URISyntaxException;

/** URL checks and the one rule for appending the token query parameters to an emailed link. */
public final class Urls {
    private Urls() {}

    public static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Whether an http(s) URL names a loopback host (localhost, 127.0.0.0/8, ::1), by its text alone. */
    public static boolean isLoopback(String value) {
        try {
            String host = new URI(value).getHost();
            return host != null && (host.equalsIgnoreCase("localhost") || host.startsWith("127.")
                    || host.equals("[::1]") || host.equals("::1"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Appends {@code token} and {@code tokenId} as App Services did: {@code ?} or, when the URL
     * already has a query, {@code &}; a fragment stays at the end, where browsers expect it.
     */
    public static String withTokenParameters(String baseUrl, String token, String tokenId) {
        int hash = baseUrl.indexOf('#');
        String beforeFragment = hash < 0 ? baseUrl : baseUrl.substring(0, hash);
        String fragment = hash < 0 ? "" : baseUrl.substring(hash);
        String separator = beforeFragment.contains("?")
                ? (beforeFragment.endsWith("?") || beforeFragment.endsWith("&") ? "" : "&")
                : "?";
        return beforeFragment + separator + "token=" + token + "&tokenId=" + tokenId + fragment;
    }
}
