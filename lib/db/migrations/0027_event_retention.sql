-- Events do not pile up forever (lib/jobs/retention.ts): each organization keeps the detail of
-- a finished job's events for `event_retention_days`; after that a periodic task compacts them
-- (streamed text deltas dropped, long tool output shortened) and stamps the job's compacted_at.
ALTER TABLE "organization_settings" ADD COLUMN "event_retention_days" integer DEFAULT 30 NOT NULL;
--> statement-breakpoint
ALTER TABLE "job" ADD COLUMN "compacted_at" double precision;
--> statement-breakpoint
-- The task's scan: finished jobs not compacted yet, oldest first.
CREATE INDEX "job_compaction_idx" ON "job" ("finished_at") WHERE compacted_at IS NULL AND finished_at IS NOT NULL;
