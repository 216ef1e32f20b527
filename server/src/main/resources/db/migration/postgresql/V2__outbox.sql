-- The durable outbox (issue #3), PostgreSQL: the same table as the SQLite migration of this version.
-- An email is written here in the transaction that creates the token it carries, and a delivery
-- worker on any node sends it afterwards. Bodies are cleared once sent.

CREATE TABLE outbox (
    seq              BIGINT   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT     NOT NULL UNIQUE,     -- also the Message-ID, to spot duplicates
    app_id           TEXT     NOT NULL,
    recipient        TEXT     NOT NULL,
    kind             TEXT     NOT NULL,
    language         TEXT     NOT NULL,
    subject          TEXT     NOT NULL,
    body_text        TEXT,
    body_html        TEXT,
    status           TEXT     NOT NULL CHECK (status IN ('queued', 'sent', 'parked')),
    attempts         INTEGER  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT   NOT NULL,
    claimed_until    BIGINT,                     -- a node sending it holds this lease
    last_error       TEXT,
    created_at       BIGINT   NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (app_id, recipient, created_at);

-- The dev mailbox keeps what the outbox would send: both parts and the chosen language.
ALTER TABLE dev_mail ADD COLUMN body_html TEXT;
ALTER TABLE dev_mail ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
