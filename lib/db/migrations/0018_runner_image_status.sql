-- The runner image's preparation as the runner last reported it (registration, heartbeats):
-- {state: preparing|ready|failed, startedAt, endedAt?, reason?} (runnerImageStatus in
-- protocol/src/runner-image.ts). Settings → Runners shows it on the runner's row; NULL for a
-- supervisor that does not report it.
ALTER TABLE "runner" ADD COLUMN "image_status" jsonb;
