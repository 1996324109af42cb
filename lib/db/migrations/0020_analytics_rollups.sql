-- Issue 17, Analytics: the organization's settings (its time zone, in which analytics count
-- days) and the daily roll-ups that lib/analytics/rollups.ts updates in the transaction of
-- the usage events and status changes they count (lib/db/analytics-schema.ts says who reads
-- which). A job without a team or project counts under ''. Jobs that finished before this
-- migration are not counted.
CREATE TABLE "organization_settings" (
	"organization_id" text PRIMARY KEY NOT NULL REFERENCES "organization"("id") ON DELETE cascade,
	"time_zone" text DEFAULT 'UTC' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_daily" (
	"organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE cascade,
	"day" text NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"errored" integer DEFAULT 0 NOT NULL,
	"duration_ms" double precision DEFAULT 0 NOT NULL,
	"turns" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"unpriced_usages" integer DEFAULT 0 NOT NULL,
	"cache_read_saving_usd" double precision DEFAULT 0 NOT NULL,
	"cache_write_premium_usd" double precision DEFAULT 0 NOT NULL,
	PRIMARY KEY ("organization_id", "day")
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE cascade,
	"day" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_saving_usd" double precision DEFAULT 0 NOT NULL,
	"cache_write_premium_usd" double precision DEFAULT 0 NOT NULL,
	PRIMARY KEY ("organization_id", "day", "model")
);
--> statement-breakpoint
CREATE TABLE "stage_daily" (
	"organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE cascade,
	"day" text NOT NULL,
	"stage" text NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"duration_ms" double precision DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"unpriced_usages" integer DEFAULT 0 NOT NULL,
	"validations" integer DEFAULT 0 NOT NULL,
	"validations_passed" integer DEFAULT 0 NOT NULL,
	PRIMARY KEY ("organization_id", "day", "stage")
);
--> statement-breakpoint
CREATE TABLE "cost_daily" (
	"organization_id" text NOT NULL REFERENCES "organization"("id") ON DELETE cascade,
	"day" text NOT NULL,
	"team_id" text NOT NULL,
	"project_id" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"unpriced_usages" integer DEFAULT 0 NOT NULL,
	"cache_read_saving_usd" double precision DEFAULT 0 NOT NULL,
	"cache_write_premium_usd" double precision DEFAULT 0 NOT NULL,
	PRIMARY KEY ("organization_id", "day", "team_id", "project_id", "model")
);
