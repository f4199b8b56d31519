-- Foundation: schema bookkeeping, the inbound mail store and the sweep log.

-- One row per applied schema version; GET /healthz reports the highest.
CREATE TABLE schema_meta (
  version     INTEGER PRIMARY KEY,
  applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  description TEXT NOT NULL
);
INSERT INTO schema_meta (version, description) VALUES (1, 'foundation');

-- Every inbound message is kept, whatever happens to it afterwards ("nothing accepted is lost").
CREATE TABLE inbound_messages (
  id           TEXT PRIMARY KEY,           -- ulid-like: time-ordered random id
  received_at  TEXT NOT NULL,              -- RFC 3339 UTC
  envelope_from TEXT NOT NULL,
  envelope_to  TEXT NOT NULL,
  message_id   TEXT,                       -- the Message-ID header, without brackets
  subject      TEXT,
  raw_size     INTEGER NOT NULL,
  raw          BLOB,                       -- NULL only when over the stored-size limit
  account_id   TEXT,                       -- set once threaded to an account
  kind         TEXT,                       -- human | auto_reply | bounce, once classified
  classification TEXT,                     -- JSON, once classified
  action       TEXT,                       -- what Nudge did about it
  status       TEXT NOT NULL DEFAULT 'received', -- received | processed | needs_human | dead_letter
  error        TEXT
);
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);
CREATE INDEX inbound_messages_account ON inbound_messages (account_id, received_at);

-- One row per sweep (cron or API), for the operator and for the sweep's own figures.
CREATE TABLE sweep_runs (
  id          TEXT PRIMARY KEY,
  trigger     TEXT NOT NULL,               -- cron expression, or 'api'
  as_of       TEXT NOT NULL,               -- the "now" the sweep evaluated at
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  accounts_due INTEGER NOT NULL DEFAULT 0,
  accounts_done INTEGER NOT NULL DEFAULT 0,
  errors      INTEGER NOT NULL DEFAULT 0
);
