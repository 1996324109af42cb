-- Issue 17: a ticket's own AI budget (lib/tickets/ai-budget.ts). Limits that jobs created
-- from the ticket use in place of their team's (status triggers, @mentions, manual jobs for
-- the ticket), set before the move that triggers them; null: the team's budget.
ALTER TABLE "ticket" ADD COLUMN "ai_budget" jsonb;
--> statement-breakpoint
-- What the prompt cache saved, per job (lib/analytics/cache-saving.ts, priced per model as
-- usage arrives), so the ticket runs panel shows it per run and per ticket. Jobs that ran
-- before this column: their prices live in TypeScript, so a job that used the cache is
-- marked as not counted rather than shown as saving nothing.
ALTER TABLE "job_usage" ADD COLUMN "cache_read_saving_usd" double precision DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "job_usage" ADD COLUMN "cache_write_premium_usd" double precision DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "job_usage" ADD COLUMN "saving_unpriced" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
UPDATE "job_usage" SET "saving_unpriced" = true WHERE "cache_read_tokens" > 0 OR "cache_write_tokens" > 0;
