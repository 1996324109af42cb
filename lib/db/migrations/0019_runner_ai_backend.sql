-- Where a runner's model access comes from, as its supervisor reports at registration
-- (SPEDY_AI_BACKEND): 'key' (the vault's ANTHROPIC_API_KEY) or 'local' (a person's Claude
-- Max/Pro login). NULL: a supervisor from before this column, which only knew key mode.
ALTER TABLE runner ADD COLUMN ai_backend text;
--> statement-breakpoint
ALTER TABLE runner ADD CONSTRAINT runner_ai_backend_check CHECK (ai_backend IN ('key', 'local'));
