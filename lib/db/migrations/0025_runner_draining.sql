-- When the runner's supervisor said it is draining (SIGTERM: it hands its working jobs back
-- and exits). While set, the heartbeat monitor makes the jobs it still held Ready, not Failed;
-- the runner's next registration clears it. NULL: not draining.
ALTER TABLE runner ADD COLUMN draining_since double precision;
