-- Custom SQL migration: a job's checkpoint (protocol/src/checkpoint.ts).
--
-- 1. job.checkpoint: the stages finished so far (their outputs, masked, and sessions) and the
--    commit pushed to refs/spedy/checkpoints/<job id> in each repository. Written by the
--    runner holding the job after each finished step (lib/jobs/checkpoint.ts); copied into a
--    "Retry from <stage>" job (lib/jobs/retry.ts). Small (no blobs: the work is in git).
ALTER TABLE "public"."job" ADD COLUMN "checkpoint" jsonb;
--> statement-breakpoint
-- 2. spedy_claim_jobs (0010_job_snapshot_and_batched_claims) returns it with the claimed job,
--    so a runner resumes after the last finished step. Unchanged otherwise; a new result
--    column needs DROP and CREATE.
DROP FUNCTION IF EXISTS spedy_claim_jobs(text[], text[], text[], double precision, text[]);
--> statement-breakpoint
CREATE FUNCTION spedy_claim_jobs(
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
  job_last_event_seq integer,
  job_checkpoint jsonb
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
      j.id, j.organization_id, j.type, j.title, j.status, s.snapshot, j.last_event_seq, j.checkpoint
    FROM (SELECT 1) AS one
    LEFT JOIN job j ON j.id = claimed_id
    LEFT JOIN secure.job_snapshot s ON s.job_id = claimed_id;
  END LOOP;
END
$$;
