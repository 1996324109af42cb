-- Custom SQL migration: 0005_claim_job_function was changed after some databases had
-- applied it (its runner lock became a transaction advisory lock instead of a row lock;
-- both are correct). This replaces the function with the current version everywhere, so
-- every database runs the same claim. Later changes: a new migration, like this one.
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
     AND (SELECT count(*) FROM job a WHERE a.runner_id = r.id AND a.status = ANY (p_active_statuses)) < r.pool_size
  THEN
    IF p_job_id IS NULL THEN
      UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
      WHERE job.status = 'ready' AND job.id = (
        SELECT j.id FROM job j
        WHERE j.status = 'ready' AND j.organization_id = r.organization_id
          AND r.capabilities @> j.required_capabilities AND r.labels @> j.required_labels
        ORDER BY j.created_at
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
      RETURNING * INTO claimed;
    ELSE
      UPDATE job SET status = 'claimed', runner_id = r.id, claimed_at = p_now, updated_at = p_now
      WHERE job.status = 'ready' AND job.id = (
        SELECT j.id FROM job j
        WHERE j.id = p_job_id AND j.status = 'ready' AND j.organization_id = r.organization_id
          AND r.capabilities @> j.required_capabilities AND r.labels @> j.required_labels
        FOR UPDATE SKIP LOCKED)
      RETURNING * INTO claimed;
    END IF;
  END IF;
  RETURN QUERY SELECT r.name, r.status, t.id, t.revoked_at, t.expires_at,
    claimed.id, claimed.organization_id, claimed.type, claimed.title, claimed.status, claimed.snapshot, claimed.last_event_seq;
END
$$;
