CREATE TABLE "mcp_server" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"project_id" text,
	"name" text NOT NULL,
	"transport" text NOT NULL,
	"url" text,
	"command" text,
	"args" jsonb NOT NULL,
	"allowed_tools" jsonb NOT NULL,
	"credential_preview" text,
	"updated_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secure"."mcp_server_secret" (
	"mcp_server_id" text PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL,
	"key_version" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_repository" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"project_id" text NOT NULL,
	"provider" text NOT NULL,
	"full_name" text NOT NULL,
	"name" text NOT NULL,
	"clone_url" text NOT NULL,
	"default_branch" text NOT NULL,
	"base_branch" text NOT NULL,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_runner_config" (
	"project_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"team_id" text,
	"trigger_on_status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runner_team" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"preset" text NOT NULL,
	"working_status" text NOT NULL,
	"completion_status" text NOT NULL,
	"failure_status" text NOT NULL,
	"handle" text NOT NULL,
	"required_capabilities" jsonb NOT NULL,
	"required_labels" jsonb NOT NULL,
	"budget" jsonb NOT NULL,
	"pipeline" jsonb NOT NULL,
	"created_at" double precision NOT NULL,
	"updated_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skill" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"project_id" text,
	"slug" text NOT NULL,
	"description" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mcp_server" ADD CONSTRAINT "mcp_server_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_server" ADD CONSTRAINT "mcp_server_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secure"."mcp_server_secret" ADD CONSTRAINT "mcp_server_secret_mcp_server_id_mcp_server_id_fk" FOREIGN KEY ("mcp_server_id") REFERENCES "public"."mcp_server"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_repository" ADD CONSTRAINT "project_repository_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_repository" ADD CONSTRAINT "project_repository_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_runner_config" ADD CONSTRAINT "project_runner_config_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_runner_config" ADD CONSTRAINT "project_runner_config_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_runner_config" ADD CONSTRAINT "project_runner_config_team_id_runner_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."runner_team"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_team" ADD CONSTRAINT "runner_team_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill" ADD CONSTRAINT "skill_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill" ADD CONSTRAINT "skill_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_server_org_name_idx" ON "mcp_server" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "project_repository_unique_idx" ON "project_repository" USING btree ("project_id","provider","full_name");--> statement-breakpoint
CREATE INDEX "project_repository_org_idx" ON "project_repository" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "runner_team_org_name_idx" ON "runner_team" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_org_slug_idx" ON "skill" USING btree ("organization_id","slug");