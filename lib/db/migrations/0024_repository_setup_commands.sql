-- Build & Validate's setup commands of a repository (issue 16, "Per-repository setup"): one
-- command line each, run as argument lists without a shell to build the repository's layer on
-- top of the runner image (supervisor/runner/setup-layer.ts). Default none.
ALTER TABLE "project_repository" ADD COLUMN "setup_commands" jsonb DEFAULT '[]'::jsonb NOT NULL;
