-- Indexes for the janitor (maintenance/Janitor), which deletes rows that can no longer serve:
-- sent outbox messages and dev mailbox messages past their retention. Expired tokens and sessions
-- already have expiry indexes (V1). Partial where only a few rows qualify.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE status = 'sent';
CREATE INDEX dev_mail_created ON dev_mail (created_at);
