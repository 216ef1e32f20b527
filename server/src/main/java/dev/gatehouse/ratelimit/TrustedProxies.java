package dev.gatehouse.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed, and the client IP of a request.
 * The header is trusted only when the socket peer is one of them, and then only from the right: each
 * proxy appends the address it saw, so the right-most address that is not a trusted proxy is the
 * client; anything further left was written by the client and could be anything.
 * Immutable and thread-safe; the CIDRs are parsed once.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());
    /** Only IP literals are parsed: {@link InetAddress#getByName} would resolve a host name over DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<String> entries;
    private final List<Cidr> cidrs;

    /** @param entries IPs and CIDRs as configured; blanks are skipped, invalid ones reported by {@link #problems()} */
    public TrustedProxies(List<String> entries) {
        this.entries = entries.stream().map(String::trim).filter(e -> !e.isEmpty()).toList();
        this.cidrs = this.entries.stream().map(Cidr::parse).filter(Objects::nonNull).toList();
    }

    public List<String> entries() {
        return entries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedProxies" + entries;
    }

    /** Every entry that is not an IP or CIDR. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            if (Cidr.parse(entry) == null) {
                problems.add("trusted proxy '" + entry + "' must be an IP address or CIDR such as 10.0.0.0/8");
            }
        }
        return problems;
    }

    /** The client IP of a request from {@code peer} carrying {@code forwardedFor} (may be null). */
    public String clientIp(String peer, String forwardedFor) {
        if (cidrs.isEmpty() || forwardedFor == null || !trusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            client = hop;
            if (!trusted(hop)) {
                break;
            }
        }
        return client;
    }

    private boolean trusted(String address) {
        byte[] ip = parse(address);
        if (ip == null) {
            return false;
        }
        for (Cidr cidr : cidrs) {
            if (cidr.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    static byte[] parse(String address) {
        if (address != null && address.length() > 2 && address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);  // servlet containers may bracket IPv6 peers
        }
        if (address == null || !IP_LITERAL.matcher(address).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            byte[] network = TrustedProxies.parse(slash < 0 ? entry : entry.substring(0, slash));
            if (network == null) {
                return null;
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return null;
                }
                if (bits < 0 || bits > network.length * 8) {
                    return null;
                }
            }
            return new Cidr(network, bits);
        }

        boolean contains(byte[] ip) {
            if (ip.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((ip[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
