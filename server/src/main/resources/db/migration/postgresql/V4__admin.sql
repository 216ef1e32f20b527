-- The admin API (issue #7): who may call it, their sessions, and provider settings changed
-- through it. Secrets are stored only as hashes: admin passwords and API keys as Argon2id PHC
-- strings, session tokens (32 random bytes) as SHA-256 digests.

CREATE TABLE admins (
    id           TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('user', 'api_key')),
    name         TEXT    NOT NULL UNIQUE,        -- a username, or an API key's public part
    secret_hash  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);

CREATE TABLE admin_sessions (
    id                 TEXT    NOT NULL PRIMARY KEY,
    admin_id           TEXT    NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    access_hash        TEXT    NOT NULL UNIQUE,
    access_expires_at  BIGINT  NOT NULL,
    refresh_hash       TEXT    NOT NULL UNIQUE,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- A provider changed through the admin API, so that every node uses it and a restart keeps it.
-- replaced_digests lists (space-separated, newest last) the SHA-256 digests of every provider config
-- that was current before this one: a node whose export still holds one of them is behind (the
-- stored change wins and is written back); one whose export holds anything else was edited since
-- (the export wins and is stored for the other nodes).
CREATE TABLE provider_settings (
    app_id           TEXT    NOT NULL PRIMARY KEY,
    provider_json    TEXT    NOT NULL,
    replaced_digests TEXT   NOT NULL,
    updated_at       BIGINT  NOT NULL
);
