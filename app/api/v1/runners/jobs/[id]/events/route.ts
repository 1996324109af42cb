import { getDb } from '@/lib/db/client';
import { appendJobEvents } from '@/lib/jobs/events';
import { eventsRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/events — appends a numbered batch; answers `{ ackedSeq }`. A resent batch is stored once.
export const POST = withRunner(eventsRequest, async ({ runner, body, params }) => appendJobEvents(getDb(), runner, params.id, body.events));
