-- A job's usage totals, kept beside the job (lib/jobs/usage.ts): the runs panel, the Jobs tab
-- and the Active Runners overview show every job's figures without reading its events.
-- Updated in the transaction that stores the job's usage and result events. Its own table,
-- so that usage arriving does not rewrite (and re-replicate) the job row.
CREATE TABLE "job_usage" (
  "job_id" text PRIMARY KEY NOT NULL REFERENCES "job"("id") ON DELETE CASCADE,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "input_tokens" bigint DEFAULT 0 NOT NULL,
  "output_tokens" bigint DEFAULT 0 NOT NULL,
  "cache_read_tokens" bigint DEFAULT 0 NOT NULL,
  "cache_write_tokens" bigint DEFAULT 0 NOT NULL,
  "cost_usd" double precision DEFAULT 0 NOT NULL,
  "cost_incomplete" boolean DEFAULT false NOT NULL,
  "partial" boolean DEFAULT false NOT NULL,
  "turns" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_usage_org_idx" ON "job_usage" ("organization_id");
--> statement-breakpoint
-- Jobs that ran before this table: tokens and turns from their events; cost where the CLI
-- gave a figure (list prices live in TypeScript, so other usage marks the cost incomplete).
INSERT INTO job_usage (job_id, organization_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_incomplete, partial, turns)
SELECT e.job_id, min(e.organization_id),
  COALESCE(sum((e.payload->>'inputTokens')::bigint) FILTER (WHERE e.type = 'usage'), 0),
  COALESCE(sum((e.payload->>'outputTokens')::bigint) FILTER (WHERE e.type = 'usage'), 0),
  COALESCE(sum((e.payload->>'cacheReadTokens')::bigint) FILTER (WHERE e.type = 'usage'), 0),
  COALESCE(sum((e.payload->>'cacheWriteTokens')::bigint) FILTER (WHERE e.type = 'usage'), 0),
  COALESCE(sum((e.payload->>'costUsd')::double precision) FILTER (WHERE e.type = 'usage'), 0),
  COALESCE(bool_or(e.payload->>'costUsd' IS NULL) FILTER (WHERE e.type = 'usage'), false),
  COALESCE(bool_or((e.payload->>'partial')::boolean) FILTER (WHERE e.type = 'usage'), false),
  COALESCE(sum((e.payload->>'numTurns')::integer) FILTER (WHERE e.type = 'result'), 0)
FROM job_event e
WHERE e.type IN ('usage', 'result')
GROUP BY e.job_id;
