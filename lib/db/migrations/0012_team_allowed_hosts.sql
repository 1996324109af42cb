-- The hosts a runner team's containers may reach through the supervisor's egress proxy
-- (host:port entries; default none). Issue 13: "Containers are contained".
ALTER TABLE "runner_team" ADD COLUMN "allowed_hosts" jsonb DEFAULT '[]'::jsonb NOT NULL;
