-- Gatehouse core schema, PostgreSQL. The same tables, columns and constraints as the SQLite
-- migration of the same version; only the types differ (times are BIGINT epoch milliseconds,
-- flags are 0/1 SMALLINT so that the stores' SQL is the same on both).
-- Bearer secrets (confirmation/reset tokens, refresh tokens) are stored only as SHA-256 digests.

CREATE TABLE users (
    id             TEXT     NOT NULL PRIMARY KEY,
    app_id         TEXT     NOT NULL,
    email          TEXT     NOT NULL,
    password_hash  TEXT     NOT NULL,
    identity_id    TEXT     NOT NULL,
    confirmed      SMALLINT NOT NULL,
    disabled       SMALLINT NOT NULL DEFAULT 0,
    created_at     BIGINT   NOT NULL,
    confirmed_at   BIGINT,
    last_login_at  BIGINT,
    -- Emails are case-sensitive in App Services, so the plain column is the key.
    CONSTRAINT users_app_email UNIQUE (app_id, email)
);

CREATE TABLE user_tokens (
    token_id    TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    token_hash  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
CREATE INDEX user_tokens_expiry ON user_tokens (expires_at);

CREATE TABLE sessions (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id     TEXT    NOT NULL,
    refresh_hash  TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE signing_keys (
    kid         TEXT     NOT NULL PRIMARY KEY,
    algorithm   TEXT     NOT NULL,
    jwk         TEXT     NOT NULL,
    created_at  BIGINT   NOT NULL,
    active      SMALLINT NOT NULL
);

CREATE TABLE dev_mail (
    -- seq orders messages; ids and clock times can tie within a millisecond.
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    app_id      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX dev_mail_recipient ON dev_mail (app_id, recipient, seq);
