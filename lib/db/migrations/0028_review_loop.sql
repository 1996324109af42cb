-- The review loop (issue 19): the pull requests runners open, linked to their tickets; the
-- webhook deliveries of the git hosts, stored once each; the reviews they brought and what the
-- platform did about each (a retrigger job, or the guard that refused it).
CREATE TABLE "pull_request" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "ticket_id" text REFERENCES "ticket"("id") ON DELETE SET NULL,
  "job_id" text REFERENCES "job"("id") ON DELETE SET NULL,
  "root_job_id" text,
  "provider" text NOT NULL,
  "repository" text NOT NULL,
  "branch" text,
  "number" integer NOT NULL,
  "url" text NOT NULL,
  "state" text DEFAULT 'open' NOT NULL,
  "last_polled_at" double precision,
  "created_at" double precision NOT NULL,
  "updated_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "pull_request_org_url_idx" ON "pull_request" ("organization_id", "url");
--> statement-breakpoint
CREATE INDEX "pull_request_target_idx" ON "pull_request" ("organization_id", "provider", "repository", "number");
--> statement-breakpoint
CREATE INDEX "pull_request_ticket_idx" ON "pull_request" ("ticket_id");
--> statement-breakpoint
-- One row per delivery a git host sent (or the poller made up for a review it found): the
-- unique key is the dedupe; the row and its task are written in one transaction.
CREATE TABLE "webhook_delivery" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "integration_id" text NOT NULL REFERENCES "git_integration"("id") ON DELETE CASCADE,
  "delivery_id" text NOT NULL,
  "source" text NOT NULL,
  "event" text NOT NULL,
  "task_id" text,
  "outcome" text NOT NULL,
  "detail" text,
  "received_at" double precision NOT NULL,
  "processed_at" double precision
);
--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_delivery_unique_idx" ON "webhook_delivery" ("integration_id", "delivery_id");
--> statement-breakpoint
CREATE INDEX "webhook_delivery_recent_idx" ON "webhook_delivery" ("integration_id", "received_at");
--> statement-breakpoint
-- A review on a linked pull request, with its inline comments, stored once per review.
CREATE TABLE "pull_request_review" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "pull_request_id" text NOT NULL REFERENCES "pull_request"("id") ON DELETE CASCADE,
  "ticket_id" text REFERENCES "ticket"("id") ON DELETE SET NULL,
  "review_key" text NOT NULL,
  "reviewer" text NOT NULL,
  "state" text NOT NULL,
  "summary" text NOT NULL,
  "comments" jsonb NOT NULL,
  "submitted_at" double precision,
  "created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "pull_request_review_unique_idx" ON "pull_request_review" ("pull_request_id", "review_key");
--> statement-breakpoint
-- What a "changes requested" review led to: a job, or the guard that refused one.
CREATE TABLE "review_retrigger" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "pull_request_id" text NOT NULL REFERENCES "pull_request"("id") ON DELETE CASCADE,
  "review_id" text NOT NULL REFERENCES "pull_request_review"("id") ON DELETE CASCADE,
  "ticket_id" text REFERENCES "ticket"("id") ON DELETE SET NULL,
  "outcome" text NOT NULL,
  "guard" text,
  "message" text NOT NULL,
  "job_id" text REFERENCES "job"("id") ON DELETE SET NULL,
  "created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE INDEX "review_retrigger_pr_idx" ON "review_retrigger" ("pull_request_id", "created_at");
--> statement-breakpoint
CREATE INDEX "review_retrigger_ticket_idx" ON "review_retrigger" ("ticket_id", "created_at");
--> statement-breakpoint
-- A git integration's webhook secret: its masked preview here, the sealed value in `secure`.
CREATE TABLE "git_webhook" (
  "integration_id" text PRIMARY KEY NOT NULL REFERENCES "git_integration"("id") ON DELETE CASCADE,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "masked_preview" text NOT NULL,
  "rotated_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secure"."git_webhook_secret" (
  "integration_id" text PRIMARY KEY NOT NULL REFERENCES "git_integration"("id") ON DELETE CASCADE,
  "ciphertext" text NOT NULL,
  "key_version" integer NOT NULL
);
