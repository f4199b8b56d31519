-- Nudge's complete D1 schema, as `migrations/0001…0003` leave it: for reading, and for starting a
-- fresh SQLite database in one step. The migrations stay the source of truth (wrangler applies
-- them, in order, to local and production D1).
--
-- A NEW MIGRATION MUST UPDATE THIS FILE in the same commit. `cargo test -p nudge-worker --test
-- schema` (part of `make test` and CI) applies every migration to one in-memory SQLite database
-- and this file to another, and fails on any difference in tables, columns (their order, types,
-- NOT NULL, defaults, keys), indexes (columns, uniqueness, partial WHERE clauses) or the
-- `schema_meta` rows.
--
-- Columns that a later migration added with ALTER TABLE sit at the end of their table, because
-- that is where SQLite puts them (column order is part of the schema: `SELECT *`, `cid`).
--
-- Conventions: domain structs are stored whole as JSON in `data` (nothing the domain knows is
-- lost) with the fields people query pulled out as columns. Amounts are decimal strings, never
-- floats. Times are RFC 3339 UTC, dates ISO 8601. Account ids are the source reference they were
-- first seen under (`stripe:cus_…`, `erp:C-100`) and also name the account's Durable Object.

-- ---------------------------------------------------------------------------------------------
-- Schema bookkeeping
-- ---------------------------------------------------------------------------------------------

-- One row per applied schema version; GET /healthz reports the highest.
CREATE TABLE schema_meta (
  version     INTEGER PRIMARY KEY,
  applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  description TEXT NOT NULL
);
INSERT INTO schema_meta (version, description) VALUES (1, 'foundation');
INSERT INTO schema_meta (version, description) VALUES (2, 'ledger, queues, outbound');
INSERT INTO schema_meta (version, description) VALUES (3, 'inbound threading and out-of-office');
INSERT INTO schema_meta (version, description) VALUES (4, 'sweep queue fan-out');

-- ---------------------------------------------------------------------------------------------
-- The ledger: accounts and everything on their books
-- ---------------------------------------------------------------------------------------------

-- A customer account; the unit Nudge collects on (one Durable Object each).
CREATE TABLE accounts (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  stripe_id       TEXT,
  erp_id          TEXT,
  strategic       INTEGER NOT NULL DEFAULT 0,
  owner           TEXT,
  timezone        TEXT NOT NULL,
  locale          TEXT NOT NULL,
  dunning_enabled INTEGER NOT NULL DEFAULT 1,
  shadow_mode     INTEGER,                   -- NULL: follow the global setting
  deleted         INTEGER NOT NULL DEFAULT 0,
  reply_token     TEXT NOT NULL UNIQUE,      -- ar+<token>@… threads replies to this account
  data            TEXT NOT NULL,             -- nudge_core::ledger::Account
  overrides       TEXT,                      -- nudge_policy::PolicyOverrides
  stage           TEXT,                      -- the stage of the last decision
  next_action_at  TEXT,                      -- when the sweep should evaluate it next
  last_decision   TEXT,                      -- nudge_policy::Decision, with its reasons
  source_updated_at TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  out_of_office_until TEXT                   -- 0003: the day the contact said they are back
);
-- The sweep's keyset scan over due accounts; deleted accounts are never due.
CREATE INDEX accounts_next_action ON accounts (next_action_at) WHERE deleted = 0;
-- GET /api/accounts lists accounts by name, case-insensitively.
CREATE INDEX accounts_name ON accounts (name COLLATE NOCASE);

CREATE TABLE contacts (
  account_id  TEXT NOT NULL,
  email       TEXT NOT NULL,                 -- lower-cased
  role        TEXT NOT NULL,
  status      TEXT NOT NULL,
  preferred   INTEGER NOT NULL DEFAULT 0,
  data        TEXT NOT NULL,                 -- nudge_core::ledger::Contact
  source_updated_at TEXT,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (account_id, email)
);
-- Threading an inbound reply by its sender.
CREATE INDEX contacts_email ON contacts (email);

CREATE TABLE invoices (
  id          TEXT PRIMARY KEY,              -- namespaced source id: stripe:in_…, erp:I-1
  account_id  TEXT NOT NULL,
  number      TEXT NOT NULL,
  currency    TEXT NOT NULL,
  total       TEXT NOT NULL,
  paid        TEXT NOT NULL,
  credited    TEXT NOT NULL,
  open_amount TEXT NOT NULL,
  status      TEXT NOT NULL,
  issue_date  TEXT NOT NULL,
  due_date    TEXT NOT NULL,
  paid_on     TEXT,
  data        TEXT NOT NULL,                 -- nudge_core::ledger::Invoice
  source_updated_at TEXT,
  updated_at  TEXT NOT NULL
);
CREATE INDEX invoices_account ON invoices (account_id, status, due_date);
CREATE INDEX invoices_number ON invoices (number);

CREATE TABLE payments (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  amount      TEXT NOT NULL,
  currency    TEXT NOT NULL,
  received_on TEXT NOT NULL,
  reference   TEXT,
  unapplied   TEXT NOT NULL,                 -- what is not allocated to an invoice
  status      TEXT NOT NULL,                 -- applied | unapplied | partial
  charge_ref  TEXT,                          -- Stripe charge, to find the account of a chargeback
  payment_intent_ref TEXT,
  data        TEXT NOT NULL,                 -- nudge_core::ledger::Payment (with allocations)
  suggestions TEXT,                          -- cash-application suggestions for a person
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX payments_account ON payments (account_id, received_on);
-- The unapplied-cash queue (GET /api/unapplied) stays small, so only its rows are indexed.
CREATE INDEX payments_unapplied ON payments (status) WHERE status != 'applied';
-- Disputes and refunds name only a charge or payment intent; these find its account.
CREATE INDEX payments_charge ON payments (charge_ref);
CREATE INDEX payments_intent ON payments (payment_intent_ref);

CREATE TABLE credit_notes (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  invoice_id  TEXT,
  amount      TEXT NOT NULL,
  currency    TEXT NOT NULL,
  voided      INTEGER NOT NULL DEFAULT 0,
  data        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX credit_notes_account ON credit_notes (account_id);

CREATE TABLE promises (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  promised_date TEXT NOT NULL,
  status        TEXT NOT NULL,
  data          TEXT NOT NULL,               -- nudge_core::promise::Promise
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX promises_account ON promises (account_id, status);

CREATE TABLE disputes (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  category    TEXT NOT NULL,
  status      TEXT NOT NULL,
  opened_at   TEXT NOT NULL,
  resolved_at TEXT,
  source_ref  TEXT,                          -- e.g. the Stripe dispute id
  data        TEXT NOT NULL,                 -- nudge_core::dispute::Dispute
  updated_at  TEXT NOT NULL
);
CREATE INDEX disputes_account ON disputes (account_id, status);
-- One dispute per source dispute, however often its webhook arrives.
CREATE UNIQUE INDEX disputes_source ON disputes (source_ref) WHERE source_ref IS NOT NULL;

-- Append-only: every change to an account, with its cause.
CREATE TABLE ledger_events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so the history stays in order
  account_id  TEXT NOT NULL,
  at          TEXT NOT NULL,
  kind        TEXT NOT NULL,
  cause       TEXT NOT NULL,                 -- e.g. stripe:evt_…, erp:evt_001, email:msg_…, sweep:…
  data        TEXT NOT NULL
);
CREATE INDEX ledger_events_account ON ledger_events (account_id, seq);

-- Webhook idempotency: an event id seen before has no effect.
CREATE TABLE webhook_events (
  source      TEXT NOT NULL,                 -- stripe | erp
  event_id    TEXT NOT NULL,
  type        TEXT NOT NULL,
  account_id  TEXT,
  received_at TEXT NOT NULL,
  outcome     TEXT NOT NULL,                 -- applied | ignored
  PRIMARY KEY (source, event_id)
);

-- ---------------------------------------------------------------------------------------------
-- Mail: every inbound message, everything sent or drafted
-- ---------------------------------------------------------------------------------------------

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
  error        TEXT,
  -- 0003: threading facts of the parsed message (JSON: from, from_name, message_id,
  -- in_reply_to, references, subject, attachments), how it was threaded, a one-line summary for
  -- people, and when processing finished.
  parsed       TEXT,
  matched_by   TEXT,                       -- in_reply_to | reply_token | contact | bounce_recipient | domain
  summary      TEXT,
  processed_at TEXT
);
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);
CREATE INDEX inbound_messages_account ON inbound_messages (account_id, received_at);
-- GET /api/inbound?status= (needs_human, dead_letter) newest first.
CREATE INDEX inbound_messages_status ON inbound_messages (status, received_at);

-- Everything Nudge sent (or drafted), for threading and audit.
CREATE TABLE outbound_messages (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  message_id  TEXT NOT NULL UNIQUE,          -- without brackets; replies' In-Reply-To match it
  step_key    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  to_addr     TEXT NOT NULL,
  subject     TEXT NOT NULL,
  status      TEXT NOT NULL,                 -- sent | draft | failed
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created_at  TEXT NOT NULL,
  sent_at     TEXT
);
CREATE INDEX outbound_account ON outbound_messages (account_id, created_at);
-- Never twice for the same step: one message per (account, policy step).
CREATE UNIQUE INDEX outbound_step ON outbound_messages (account_id, step_key);

-- ---------------------------------------------------------------------------------------------
-- Work for people: tasks and approval gates
-- ---------------------------------------------------------------------------------------------

-- Find a contact, review an unmatched email, owner follow-up, …
CREATE TABLE tasks (
  id          TEXT PRIMARY KEY,
  account_id  TEXT,
  kind        TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open',  -- open | done
  assignee    TEXT,
  summary     TEXT NOT NULL,
  step_key    TEXT,                          -- set when a policy step created it (dedupe)
  context     TEXT,                          -- JSON: the facts a person needs
  created_at  TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX tasks_status ON tasks (status, created_at);
-- A policy step creates its task once; tasks from other causes have no step key.
CREATE UNIQUE INDEX tasks_step ON tasks (account_id, step_key) WHERE step_key IS NOT NULL;

-- Drafts in shadow mode and final escalations, waiting for a person.
CREATE TABLE approvals (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  kind        TEXT NOT NULL,                 -- draft_email | agency_referral | credit_hold | payment_plan | legal_notice
  status      TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected
  step_key    TEXT NOT NULL,
  summary     TEXT NOT NULL,
  payload     TEXT NOT NULL,                 -- JSON: the draft or the proposed action
  created_at  TEXT NOT NULL,
  decided_at  TEXT,
  decided_by  TEXT,
  note        TEXT
);
CREATE INDEX approvals_status ON approvals (status, created_at);
-- One approval per (account, policy step), like outbound_step.
CREATE UNIQUE INDEX approvals_step ON approvals (account_id, step_key);

-- ---------------------------------------------------------------------------------------------
-- Operations: sweeps and run-time settings
-- ---------------------------------------------------------------------------------------------

-- One row per sweep (cron or API), for the operator and for the sweep's own figures.
CREATE TABLE sweep_runs (
  id          TEXT PRIMARY KEY,
  trigger     TEXT NOT NULL,               -- cron expression, or 'api'
  as_of       TEXT NOT NULL,               -- the "now" the sweep evaluated at
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  accounts_due INTEGER NOT NULL DEFAULT 0,
  accounts_done INTEGER NOT NULL DEFAULT 0,
  errors      INTEGER NOT NULL DEFAULT 0,
  mode        TEXT NOT NULL DEFAULT 'inline', -- 'inline' (in the sweep's invocation) or 'queue' (by the consumers)
  messages    INTEGER NOT NULL DEFAULT 0,     -- queue messages the producer sent
  retries     INTEGER NOT NULL DEFAULT 0      -- message deliveries handed back for redelivery
);

-- Settings the operator changes at run time: `shadow_mode`, `policy`, `templates`, the test clock.
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
