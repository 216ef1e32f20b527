-- Gatehouse core schema. Times are epoch milliseconds; ids are 24-hex ObjectIds as text.
-- Bearer secrets (confirmation/reset tokens, refresh tokens) are stored only as SHA-256 digests.

CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY,
    app_id         TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    identity_id    TEXT    NOT NULL,
    confirmed      INTEGER NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    confirmed_at   INTEGER,
    last_login_at  INTEGER,
    -- Emails are case-sensitive in App Services, so the plain column is the key.
    CONSTRAINT users_app_email UNIQUE (app_id, email)
);

CREATE TABLE user_tokens (
    token_id    TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    token_hash  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
CREATE INDEX user_tokens_expiry ON user_tokens (expires_at);

CREATE TABLE sessions (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id     TEXT    NOT NULL,
    refresh_hash  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE signing_keys (
    kid         TEXT    NOT NULL PRIMARY KEY,
    algorithm   TEXT    NOT NULL,
    jwk         TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    active      INTEGER NOT NULL
);

CREATE TABLE dev_mail (
    -- seq orders messages; ids and clock times can tie within a millisecond.
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    app_id      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX dev_mail_recipient ON dev_mail (app_id, recipient, seq);
