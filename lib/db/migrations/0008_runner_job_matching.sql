-- Custom SQL migration: the matching rule, once. Which runner may take which job is decided
-- only by these functions; the claim (spedy_claim_job, below), the offers
-- (lib/jobs/offers.ts) and the explanation of a refused claim (lib/jobs/matching.ts) call
-- them. The active statuses come from the job status machine (@spedy/protocol/job-status)
-- as a parameter, so the database never keeps its own list.

-- A runner fits a job of its own organization when its capabilities cover the job's
-- required capabilities and its labels cover the required labels (jsonb @>). A plain SQL
-- expression, so the planner inlines it and still uses job_ready_org_idx.
CREATE OR REPLACE FUNCTION spedy_runner_fits_job(r runner, j job) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT r.organization_id = j.organization_id
     AND r.capabilities @> j.required_capabilities
     AND r.labels @> j.required_labels
$$;
--> statement-breakpoint
-- What keeps a runner of the job's organization from fitting it, in the job's order:
-- 'capability x' for each required capability it lacks, then 'label y' for each label.
-- Empty exactly when spedy_runner_fits_job holds (same @> test, one element at a time).
CREATE OR REPLACE FUNCTION spedy_runner_lacks(r runner, j job) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY(
      SELECT 'capability ' || c.value FROM jsonb_array_elements_text(j.required_capabilities) WITH ORDINALITY AS c(value, n)
      WHERE NOT r.capabilities @> jsonb_build_array(c.value) ORDER BY c.n)
    || ARRAY(
      SELECT 'label ' || l.value FROM jsonb_array_elements_text(j.required_labels) WITH ORDINALITY AS l(value, n)
      WHERE NOT r.labels @> jsonb_build_array(l.value) ORDER BY l.n)
$$;
--> statement-breakpoint
-- The jobs a runner works on now: they take its slots.
CREATE OR REPLACE FUNCTION spedy_runner_active_jobs(r runner, p_active_statuses text[]) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int FROM job a WHERE a.runner_id = r.id AND a.status = ANY (p_active_statuses)
$$;
--> statement-breakpoint
-- How many more jobs a runner may take: its pool size less its active jobs, never below 0.
CREATE OR REPLACE FUNCTION spedy_runner_free_slots(r runner, p_active_statuses text[]) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT GREATEST(r.pool_size - spedy_runner_active_jobs(r, p_active_statuses), 0)
$$;
--> statement-breakpoint
-- The claim of 0006_claim_job_advisory_lock, unchanged but for calling the rule above.
CREATE OR REPLACE FUNCTION spedy_claim_job(
  p_runner_id text,
  p_job_id text,
  p_token_id text,
  p_now double precision,
  p_active_statuses text[]
) RETURNS TABLE (
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
  r runner%ROWTYPE;
  t runner_token%ROWTYPE;
  claimed job%ROWTYPE;
BEGIN
  -- One runner's claims queue here.
  PERFORM pg_advisory_xact_lock(7340, hashtext(p_runner_id));
  SELECT * INTO r FROM runner WHERE id = p_runner_id;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF p_token_id IS NOT NULL THEN
    SELECT * INTO t FROM runner_token WHERE id = p_token_id;
  END IF;
  IF r.status = 'online'
     AND (p_token_id IS NULL OR (t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > p_now)))
     AND spedy_runner_free_slots(r, p_active_statuses) > 0
  THEN
    IF p_job_id IS NULL THEN
      UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
      WHERE job.status = 'ready' AND job.id = (
        SELECT j.id FROM job j
        WHERE j.status = 'ready' AND spedy_runner_fits_job(r, j)
        ORDER BY j.created_at
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
      RETURNING * INTO claimed;
    ELSE
      UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
      WHERE job.status = 'ready' AND job.id = (
        SELECT j.id FROM job j
        WHERE j.id = p_job_id AND j.status = 'ready' AND spedy_runner_fits_job(r, j)
        FOR UPDATE SKIP LOCKED)
      RETURNING * INTO claimed;
    END IF;
  END IF;
  RETURN QUERY SELECT r.name, r.status, t.id, t.revoked_at, t.expires_at,
    claimed.id, claimed.organization_id, claimed.type, claimed.title, claimed.status, claimed.snapshot, claimed.last_event_seq;
END
$$;
