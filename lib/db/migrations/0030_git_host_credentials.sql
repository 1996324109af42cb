-- Git hosts as they are now (lib/integrations): a GitHub App (App ID and installation; its
-- private key is the integration's sealed secret) and Bitbucket API tokens (the Atlassian
-- account's email authenticates REST calls). token_kind gains 'github_app' and 'api_token'
-- (text without a check constraint: nothing to alter).
ALTER TABLE "git_integration" ADD COLUMN "account_email" text;
--> statement-breakpoint
ALTER TABLE "git_integration" ADD COLUMN "github_app_id" text;
--> statement-breakpoint
ALTER TABLE "git_integration" ADD COLUMN "github_installation_id" text;
