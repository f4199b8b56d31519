-- Sweeps fanned out through a Cloudflare Queue (issue 12): the cron producer enqueues the due
-- accounts and queue consumers evaluate them, so a run's figures arrive over time. `mode` says how
-- a run evaluated (`inline`: inside the sweep's invocation; `queue`: by the consumers), `messages`
-- how many queue messages the producer sent, `retries` how many message deliveries a consumer
-- handed back for redelivery. A queue run is finished once `accounts_done + errors` reaches
-- `accounts_due` (errors: accounts whose message went to the dead-letter queue).

INSERT INTO schema_meta (version, description) VALUES (4, 'sweep queue fan-out');

ALTER TABLE sweep_runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'inline';
ALTER TABLE sweep_runs ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sweep_runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
