package dev.gatehouse.function;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The hosts a function may reach with {@code context.http}: {@code host} (any port), {@code host:port}
 * or {@code *.domain} (its subdomains, not the domain itself). Only http and https. Immutable.
 */
final class HostAllowList {
    private final List<String> entries;

    HostAllowList(List<String> entries) {
        this.entries = entries.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
    }

    boolean allows(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        for (String entry : entries) {
            int colon = entry.lastIndexOf(':');
            boolean hasPort = colon > entry.lastIndexOf(']');
            String entryHost = hasPort ? entry.substring(0, colon) : entry;
            if (hasPort && Integer.parseInt(entry.substring(colon + 1)) != port) {
                continue;
            }
            boolean hostMatches = entryHost.startsWith("*.")
                    ? host.endsWith(entryHost.substring(1))
                    : host.equals(entryHost);
            if (hostMatches) {
                return true;
            }
        }
        return false;
    }
}
