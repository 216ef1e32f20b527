package dev.gatehouse.mail;

/**
 * A queued email as the delivery worker sees it.
 *
 * @param id message id (also the {@code Message-ID} header's local part)
 * @param appId sending app
 * @param to recipient
 * @param subject subject line
 * @param text plain-text part
 * @param html HTML part
 * @param attempts failed attempts so far
 */
public record OutboxMessage(String id, String appId, String to, String subject, String text, String html, int attempts) {
    @Override
    public String toString() {
        return "OutboxMessage[id=" + id + ", appId=" + appId + ", attempts=" + attempts + "]";
    }
}
