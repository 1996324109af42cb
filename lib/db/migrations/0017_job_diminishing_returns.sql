-- "Diminishing returns" (issue 14): when the runner first flagged the job (three model turns in
-- a row each under 500 output tokens; a `diminishing_returns` event). Set by the event feed
-- (lib/jobs/events.ts) and shown as a badge beside the job's status, live through Zero.
ALTER TABLE "job" ADD COLUMN "diminishing_returns_at" double precision;
