package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The rule behind /metrics and /dev/mailbox. Tests connect from loopback only, so over HTTP they see
 * the routes answer; which peers are refused is checked here, on the addresses the servlet reports.
 */
class LoopbackPeersTest {
    @Test
    void only_loopback_peers_are_answered_unless_remote_ones_are_allowed() {
        assertThat(LoopbackPeers.allows("127.0.0.1", false)).isTrue();
        assertThat(LoopbackPeers.allows("127.8.9.10", false)).isTrue();
        assertThat(LoopbackPeers.allows("0:0:0:0:0:0:0:1", false)).isTrue();
        assertThat(LoopbackPeers.allows("::1", false)).isTrue();
        assertThat(LoopbackPeers.allows("10.0.0.7", false)).isFalse();
        assertThat(LoopbackPeers.allows("203.0.113.5", false)).isFalse();
        assertThat(LoopbackPeers.allows("2001:db8::1", false)).isFalse();
        assertThat(LoopbackPeers.allows("localhost", false)).isFalse();  // a name is never resolved
        assertThat(LoopbackPeers.allows("", false)).isFalse();
        assertThat(LoopbackPeers.allows(null, false)).isFalse();
        assertThat(LoopbackPeers.allows("203.0.113.5", true)).isTrue();
    }
}
