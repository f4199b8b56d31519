-- Inbound mail (issue 5): what the email handler learned about each message, and the
-- out-of-office date an auto-reply stated.
--
-- `accounts.out_of_office_until` is a stop-gap: the escalation state (touches, timers) lives in
-- the account object's storage, owned by the sweeps branch (`src/account/evaluate.rs`). Until it
-- reads this column (or moves it into that state), the date is kept here so it is not lost.

INSERT INTO schema_meta (version, description) VALUES (3, 'inbound threading and out-of-office');

-- Threading facts of the parsed message (JSON: from, from_name, message_id, in_reply_to,
-- references, subject, attachments), how it was threaded, a one-line summary for people, and
-- when processing finished.
ALTER TABLE inbound_messages ADD COLUMN parsed TEXT;
ALTER TABLE inbound_messages ADD COLUMN matched_by TEXT;  -- in_reply_to | reply_token | contact | bounce_recipient | domain
ALTER TABLE inbound_messages ADD COLUMN summary TEXT;
ALTER TABLE inbound_messages ADD COLUMN processed_at TEXT;
CREATE INDEX inbound_messages_status ON inbound_messages (status, received_at);

-- The day the customer's contact said they are back (from an out-of-office reply).
ALTER TABLE accounts ADD COLUMN out_of_office_until TEXT;
