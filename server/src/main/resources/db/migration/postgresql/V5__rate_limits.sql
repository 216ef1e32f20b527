-- Rate limiting (issue #8): one row per limited key, shared by every node. The key is the SHA-256
-- digest of the group, app, and client IP or account, so no email address or IP is stored in clear.
-- hits counts events since window_start; blocked_until is when the key may try again (0: now);
-- expires_at is when the row is stale (quiet for a whole window and not waiting): the next event
-- starts the count over, and the janitor deletes it.

CREATE TABLE rate_limits (
    key_hash       TEXT    NOT NULL PRIMARY KEY,
    window_start   BIGINT  NOT NULL,
    hits           INTEGER NOT NULL,
    blocked_until  BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
