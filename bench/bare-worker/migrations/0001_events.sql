-- The bare worker's two tables: an idempotency row per event (like Nudge's webhook_events) and
-- one row per customer updated by every event (like a ledger row).
CREATE TABLE events (
  event_id    TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  type        TEXT NOT NULL,
  received_at INTEGER NOT NULL
);

CREATE TABLE customers (
  id            TEXT PRIMARY KEY,
  last_event_id TEXT NOT NULL,
  last_object   TEXT NOT NULL,
  events        INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
