-- Steering a job together (issue 18): who may steer, who did, and who is watching.
-- Permissions withdrawn from the Member role in this organization (lib/auth/permissions.ts:
-- only `jobs:steer` can be); Administrators keep every permission.
ALTER TABLE "organization_settings" ADD COLUMN "withdrawn_member_permissions" text[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
-- Each person's action on a job (answered, approved, asked for changes, stopped, continued,
-- cancelled, set its budget), replicated so every watcher's feed shows it with their name.
-- The supervisor's event sequence (job_event) stays its own: the feed merges both by time.
CREATE TABLE "job_action" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "job_id" text NOT NULL REFERENCES "job"("id") ON DELETE CASCADE,
  "actor_id" text REFERENCES "user"("id") ON DELETE SET NULL,
  "action" text NOT NULL,
  "text" text,
  "created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_action_job_idx" ON "job_action" ("job_id", "created_at");
--> statement-breakpoint
-- Who has a job's page open: one row per person and job, heartbeated by the page and
-- counted as present while fresh (lib/jobs/presence.ts); a page closed cleanly deletes it.
CREATE TABLE "job_viewer" (
  "job_id" text NOT NULL REFERENCES "job"("id") ON DELETE CASCADE,
  "user_id" text NOT NULL REFERENCES "user"("id") ON DELETE CASCADE,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "seen_at" double precision NOT NULL,
  CONSTRAINT "job_viewer_job_id_user_id_pk" PRIMARY KEY ("job_id", "user_id")
);
