import { getDb } from '@/lib/db/client';
import { recallForJob } from '@/lib/knowledge/job-knowledge';
import { knowledgeRecallRequest } from '@spedy/protocol/knowledge-wire';
import { withRunner } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/knowledge/recall — the agent's knowledge_recall over every entry of the job's organization.
export const POST = withRunner(knowledgeRecallRequest, async ({ runner, body, params }) => recallForJob(getDb(), runner, params.id, { query: body.query, path: body.path }));
