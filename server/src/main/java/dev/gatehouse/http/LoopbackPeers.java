package dev.gatehouse.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one rule for routes that answer only clients on this host unless the operator allows remote
 * ones ({@code /metrics}, {@code /dev/mailbox}): the peer is the socket's own address, an IP literal
 * as the servlet reports it, in 127.0.0.0/8 or ::1. A name is never resolved, and a forwarded-for
 * header never counts: only the connection itself says where a request came from.
 */
public final class LoopbackPeers {
    private LoopbackPeers() {}

    /** Whether a client at {@code remoteAddress} may be answered: always with {@code allowRemote}, else loopback only. */
    public static boolean allows(String remoteAddress, boolean allowRemote) {
        if (allowRemote) {
            return true;
        }
        if (remoteAddress == null || remoteAddress.isEmpty() || !isIpLiteral(remoteAddress)) {
            return false;
        }
        try {
            return InetAddress.getByName(remoteAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String address) {
        return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '[' || c == ']');
    }
}
