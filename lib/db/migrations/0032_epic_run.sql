-- The Epic Orchestrator (issue 21, lib/epics): an Epic's "Runner team" field, its run (one per
-- Epic, restarted in place) and one node per descendant ticket. Replicated by Zero for the Epic
-- Run Panel; the orchestrator's steps are durable tasks (graphile-worker), so this is all the
-- state a run has.
ALTER TABLE "ticket" ADD COLUMN "runner_team_id" text REFERENCES "runner_team"("id") ON DELETE SET NULL;
--> statement-breakpoint
CREATE TABLE "epic_run" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "project_id" text NOT NULL REFERENCES "project"("id") ON DELETE CASCADE,
  "epic_ticket_id" text NOT NULL REFERENCES "ticket"("id") ON DELETE CASCADE,
  "team_id" text REFERENCES "runner_team"("id") ON DELETE SET NULL,
  "branch" text NOT NULL,
  "status" text NOT NULL,
  "status_reason" text,
  "budget_usd" double precision,
  "cost_usd" double precision DEFAULT 0 NOT NULL,
  "reset_job_id" text REFERENCES "job"("id") ON DELETE SET NULL,
  "closing_job_id" text REFERENCES "job"("id") ON DELETE SET NULL,
  "pull_requests" jsonb DEFAULT '[]'::jsonb NOT NULL,
  "created_by" text,
  "created_at" double precision NOT NULL,
  "updated_at" double precision NOT NULL
);
--> statement-breakpoint
-- One run per Epic: starting again, Continue and Restart work on the same row under its lock.
CREATE UNIQUE INDEX "epic_run_epic_idx" ON "epic_run" ("epic_ticket_id");
--> statement-breakpoint
CREATE INDEX "epic_run_org_idx" ON "epic_run" ("organization_id");
--> statement-breakpoint
CREATE TABLE "epic_run_node" (
  "run_id" text NOT NULL REFERENCES "epic_run"("id") ON DELETE CASCADE,
  "ticket_id" text NOT NULL REFERENCES "ticket"("id") ON DELETE CASCADE,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "status" text NOT NULL,
  "wave" integer NOT NULL,
  "depends_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
  "job_id" text REFERENCES "job"("id") ON DELETE SET NULL,
  "cost_usd" double precision DEFAULT 0 NOT NULL,
  "skip_reason" text,
  "dispatched_at" double precision,
  "finished_at" double precision,
  CONSTRAINT "epic_run_node_run_id_ticket_id_pk" PRIMARY KEY ("run_id", "ticket_id")
);
--> statement-breakpoint
-- A finished job finds its node (lib/epics/job-finished.ts); a status trigger finds a ticket's run.
CREATE INDEX "epic_run_node_job_idx" ON "epic_run_node" ("job_id");
--> statement-breakpoint
CREATE INDEX "epic_run_node_ticket_idx" ON "epic_run_node" ("ticket_id");
