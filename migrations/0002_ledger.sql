-- The ledger (queryable) and the operator's queues. Domain structs are stored whole as JSON in
-- `data` (so nothing the domain knows is lost) with the fields people query pulled out as
-- columns. Amounts are decimal strings, never floats. Times are RFC 3339 UTC, dates ISO 8601.

INSERT INTO schema_meta (version, description) VALUES (2, 'ledger, queues, outbound');

-- A customer account. `id` is the source reference it was first seen under
-- (`stripe:cus_…`, `erp:C-100`) and also names the account's Durable Object.
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
  updated_at      TEXT NOT NULL
);
CREATE INDEX accounts_next_action ON accounts (next_action_at) WHERE deleted = 0;
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
CREATE INDEX payments_unapplied ON payments (status) WHERE status != 'applied';
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
CREATE UNIQUE INDEX disputes_source ON disputes (source_ref) WHERE source_ref IS NOT NULL;

-- Append-only: every change to an account, with its cause.
CREATE TABLE ledger_events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
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

-- Work for people: find a contact, review an unmatched email, owner follow-up, …
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
CREATE UNIQUE INDEX tasks_step ON tasks (account_id, step_key) WHERE step_key IS NOT NULL;

-- Approval gates: drafts in shadow mode and final escalations.
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
CREATE UNIQUE INDEX approvals_step ON approvals (account_id, step_key);

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
CREATE UNIQUE INDEX outbound_step ON outbound_messages (account_id, step_key);

-- Settings the operator changes at run time (global shadow mode, the test clock, policy).
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
