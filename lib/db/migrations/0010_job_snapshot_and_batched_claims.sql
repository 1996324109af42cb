-- Custom SQL migration: the job snapshot leaves the job row, and claims come in batches.
--
-- 1. The snapshot (pipeline, skills, budget, repositories: the large per-job payload the
--    runner gets on claim) moves to secure.job_snapshot. Schema `secure` is outside Zero's
--    publication, so a job's status changes (every claim, every report) no longer carry it
--    through logical replication and zero-cache. The job page reads it over HTTP
--    (GET /api/orgs/:orgId/jobs/:jobId/snapshot); it never changes after the job is created.
CREATE TABLE "secure"."job_snapshot" (
	"job_id" text PRIMARY KEY NOT NULL,
	"snapshot" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "secure"."job_snapshot" ADD CONSTRAINT "job_snapshot_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
INSERT INTO "secure"."job_snapshot" ("job_id", "snapshot") SELECT "id", "snapshot" FROM "public"."job";
--> statement-breakpoint
ALTER TABLE "public"."job" DROP COLUMN "snapshot";
--> statement-breakpoint
-- 2. The claim, for a batch of requests in one transaction (lib/jobs/claim.ts collects the
--    claims that arrive while one batch runs): one commit, one replicated transaction and
--    one round trip for many claims. Each request is decided as spedy_claim_job
--    (0008_runner_job_matching) decided it, in request order:
--    - every runner of the batch is locked first (transaction advisory locks, namespace
--      7340, taken in the order of their keys so two batches never wait on each other in a
--      cycle); each statement below takes a fresh snapshot after the locks, so a runner's
--      capacity count sees every claim committed before, and the batch's own earlier claims;
--    - a runner may take another job while its jobs in `p_slot_statuses` (those that hold a
--      pool slot: not Ready, not Stopped, not Waiting for Input) are fewer than its pool size;
--    - a Ready job that still names a runner (a person continued or answered it; its folder
--      is on that runner) goes only to that runner, before any new work;
--    - other Ready jobs go to runners that fit them, oldest first, FOR UPDATE SKIP LOCKED.
--    A request whose runner does not exist returns no row. Refusals are the caller's to word.
DROP FUNCTION IF EXISTS spedy_claim_job(text, text, text, double precision, text[]);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION spedy_claim_jobs(
  p_runner_ids text[],
  p_job_ids text[],
  p_token_ids text[],
  p_now double precision,
  p_slot_statuses text[]
) RETURNS TABLE (
  request integer,
  runner_name text,
  runner_status text,
  token_id text,
  token_revoked_at double precision,
  token_expires_at double precision,
  job_id text,
  job_organization_id text,
  job_type text,
  job_title text,
  job_status text,
  job_snapshot jsonb,
  job_last_event_seq integer
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  i integer;
  lock_key integer;
  r runner%ROWTYPE;
  t runner_token%ROWTYPE;
  claimed_id text;
BEGIN
  FOR lock_key IN SELECT DISTINCT hashtext(u) FROM unnest(p_runner_ids) AS u ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(7340, lock_key);
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(p_runner_ids, 1), 0) LOOP
    t := NULL;
    claimed_id := NULL;
    SELECT * INTO r FROM runner WHERE id = p_runner_ids[i];
    CONTINUE WHEN NOT FOUND;
    IF p_token_ids[i] IS NOT NULL THEN
      SELECT * INTO t FROM runner_token WHERE id = p_token_ids[i];
    END IF;
    IF r.status = 'online'
       AND (p_token_ids[i] IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > p_now)))
       AND spedy_runner_free_slots(r, p_slot_statuses) > 0
    THEN
      IF p_job_ids[i] IS NULL THEN
        -- Its own continued jobs first (job_runner_idx), then new work (job_ready_org_idx).
        UPDATE job SET status = 'claimed', claimed_at = p_now, updated_at = p_now
        WHERE job.status = 'ready' AND job.id = (
          SELECT j.id FROM job j
          WHERE j.runner_id = r.id AND j.status = 'ready'
          ORDER BY j.created_at
          FOR UPDATE SKIP LOCKED
          LIMIT 1)
        RETURNING job.id INTO claimed_id;
        IF claimed_id IS NULL THEN
          UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
          WHERE job.status = 'ready' AND job.id = (
            SELECT j.id FROM job j
            WHERE j.status = 'ready' AND j.runner_id IS NULL AND spedy_runner_fits_job(r, j)
            ORDER BY j.created_at
            FOR UPDATE SKIP LOCKED
            LIMIT 1)
          RETURNING job.id INTO claimed_id;
        END IF;
      ELSE
        UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
        WHERE job.status = 'ready' AND job.id = (
          SELECT j.id FROM job j
          WHERE j.id = p_job_ids[i] AND j.status = 'ready'
            AND (j.runner_id = r.id OR (j.runner_id IS NULL AND spedy_runner_fits_job(r, j)))
          FOR UPDATE SKIP LOCKED)
        RETURNING job.id INTO claimed_id;
      END IF;
    END IF;
    RETURN QUERY SELECT i, r.name, r.status, t.id, t.revoked_at, t.expires_at,
      j.id, j.organization_id, j.type, j.title, j.status, s.snapshot, j.last_event_seq
    FROM (SELECT 1) AS one
    LEFT JOIN job j ON j.id = claimed_id
    LEFT JOIN secure.job_snapshot s ON s.job_id = claimed_id;
  END LOOP;
END
$$;
