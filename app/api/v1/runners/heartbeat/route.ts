import { getDb } from '@/lib/db/client';
import { heartbeatRequest, type HeartbeatResponse } from '@spedy/protocol/wire';
import { recordHeartbeat } from '@/lib/runners/presence';
import { withRunner } from '../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/heartbeat — the runner is alive (an Offline runner comes back Online).
export const POST = withRunner(heartbeatRequest, async ({ runner, body }): Promise<HeartbeatResponse> => {
  const { status, jobs, controls } = await recordHeartbeat(getDb(), runner, body.activeJobIds, { ackedControlIds: body.ackedControlIds, image: body.image, draining: body.draining });
  return { status, jobs, ...(controls ? { controls } : {}) };
});
