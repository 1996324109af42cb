import { getDb } from '@/lib/db/client';
import { preloadForStage } from '@/lib/knowledge/job-knowledge';
import { knowledgePreloadRequest } from '@spedy/protocol/knowledge-wire';
import { withRunner } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/knowledge/preload — the entries for a stage's context before it starts (recorded as pre-loaded).
export const POST = withRunner(knowledgePreloadRequest, async ({ runner, body, params }) => preloadForStage(getDb(), runner, params.id, { stageId: body.stageId, plan: body.plan }));
