-- Review learning (issue 20): each processed review comment becomes a knowledge entry; evidence
-- rows move its confidence (lib/knowledge/confidence.ts); uses record where it reached an agent.
CREATE TABLE "knowledge_entry" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "project_id" text REFERENCES "project"("id") ON DELETE SET NULL,
  "ticket_id" text REFERENCES "ticket"("id") ON DELETE SET NULL,
  "file_path" text NOT NULL,
  "line" integer,
  "diff_context" text NOT NULL,
  "comment" text NOT NULL,
  "reviewer" text NOT NULL,
  "review_id" text NOT NULL,
  "pull_request_url" text NOT NULL,
  "confidence" double precision NOT NULL,
  "evergreen" boolean NOT NULL,
  "evergreen_set_by" text REFERENCES "user"("id") ON DELETE SET NULL,
  "created_at" double precision NOT NULL,
  "updated_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE INDEX "knowledge_entry_org_idx" ON "knowledge_entry" ("organization_id", "project_id");
--> statement-breakpoint
-- Pre-selection and knowledge_recall search the comment and its path (lib/knowledge/search.ts
-- builds the same expression).
CREATE INDEX "knowledge_entry_search_idx" ON "knowledge_entry" USING gin (to_tsvector('english', "comment" || ' ' || "file_path"));
--> statement-breakpoint
CREATE TABLE "knowledge_evidence" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "entry_id" text NOT NULL REFERENCES "knowledge_entry"("id") ON DELETE CASCADE,
  "kind" text NOT NULL,
  "pull_request_url" text,
  "review_id" text,
  "file_path" text,
  "text" text,
  "actor_id" text REFERENCES "user"("id") ON DELETE SET NULL,
  "created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE INDEX "knowledge_evidence_entry_idx" ON "knowledge_evidence" ("entry_id");
--> statement-breakpoint
CREATE TABLE "knowledge_use" (
  "id" text PRIMARY KEY NOT NULL,
  "organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE CASCADE,
  "entry_id" text NOT NULL REFERENCES "knowledge_entry"("id") ON DELETE CASCADE,
  "job_id" text NOT NULL REFERENCES "job"("id") ON DELETE CASCADE,
  "stage_id" text,
  "kind" text NOT NULL,
  "created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE INDEX "knowledge_use_job_idx" ON "knowledge_use" ("job_id");
--> statement-breakpoint
CREATE INDEX "knowledge_use_entry_idx" ON "knowledge_use" ("entry_id");
