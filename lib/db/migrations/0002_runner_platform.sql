CREATE SCHEMA "secure";
--> statement-breakpoint
CREATE TABLE "secure"."auth_failure" (
	"address" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "auth_failure_address_window_start_pk" PRIMARY KEY("address","window_start")
);
--> statement-breakpoint
CREATE TABLE "git_integration" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"provider" text NOT NULL,
	"token_kind" text NOT NULL,
	"api_url" text NOT NULL,
	"username" text,
	"masked_preview" text NOT NULL,
	"active" boolean NOT NULL,
	"last_tested_at" double precision,
	"last_test_result" jsonb,
	"rotated_at" double precision NOT NULL,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secure"."git_integration_secret" (
	"integration_id" text PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL,
	"key_version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"project_id" text,
	"ticket_id" text,
	"team_id" text,
	"root_job_id" text,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"status_reason" text,
	"required_capabilities" jsonb NOT NULL,
	"required_labels" jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"runner_id" text,
	"result" jsonb,
	"last_event_seq" integer NOT NULL,
	"created_by" text,
	"created_at" double precision NOT NULL,
	"updated_at" double precision NOT NULL,
	"claimed_at" double precision,
	"finished_at" double precision
);
--> statement-breakpoint
CREATE TABLE "job_event" (
	"job_id" text NOT NULL,
	"seq" integer NOT NULL,
	"organization_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" double precision NOT NULL,
	CONSTRAINT "job_event_job_id_seq_pk" PRIMARY KEY("job_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runner" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"capabilities" jsonb NOT NULL,
	"labels" jsonb NOT NULL,
	"pool_size" integer NOT NULL,
	"token_id" text NOT NULL,
	"status" text NOT NULL,
	"last_heartbeat_at" double precision NOT NULL,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runner_settings" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"offline_timeout_seconds" integer NOT NULL,
	"auto_create_jobs" boolean NOT NULL,
	"retrigger_on_review" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runner_token" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"runner_id" text,
	"expires_at" double precision,
	"revoked_at" double precision,
	"last_used_at" double precision,
	"created_by" text,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secure"."runner_token_hash" (
	"token_id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "runner_token_hash_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "vault_entry" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"masked_preview" text NOT NULL,
	"rotated_at" double precision NOT NULL,
	"created_at" double precision NOT NULL,
	"created_by" text
);
--> statement-breakpoint
CREATE TABLE "secure"."vault_value" (
	"entry_id" text PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL,
	"key_version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "git_integration" ADD CONSTRAINT "git_integration_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secure"."git_integration_secret" ADD CONSTRAINT "git_integration_secret_integration_id_git_integration_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."git_integration"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_ticket_id_ticket_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."ticket"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_event" ADD CONSTRAINT "job_event_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_event" ADD CONSTRAINT "job_event_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner" ADD CONSTRAINT "runner_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_settings" ADD CONSTRAINT "runner_settings_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_token" ADD CONSTRAINT "runner_token_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_token" ADD CONSTRAINT "runner_token_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secure"."runner_token_hash" ADD CONSTRAINT "runner_token_hash_token_id_runner_token_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."runner_token"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_entry" ADD CONSTRAINT "vault_entry_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_entry" ADD CONSTRAINT "vault_entry_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secure"."vault_value" ADD CONSTRAINT "vault_value_entry_id_vault_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."vault_entry"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "git_integration_org_provider_idx" ON "git_integration" USING btree ("organization_id","provider");--> statement-breakpoint
CREATE INDEX "job_org_status_idx" ON "job" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "job_ready_idx" ON "job" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "job_runner_idx" ON "job" USING btree ("runner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "job_one_active_per_ticket_idx" ON "job" USING btree ("ticket_id") WHERE status NOT IN ('completed', 'failed', 'error') AND ticket_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "runner_org_name_idx" ON "runner" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "runner_status_idx" ON "runner" USING btree ("status","last_heartbeat_at");--> statement-breakpoint
CREATE INDEX "runner_token_org_idx" ON "runner_token" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vault_entry_org_name_idx" ON "vault_entry" USING btree ("organization_id","name");