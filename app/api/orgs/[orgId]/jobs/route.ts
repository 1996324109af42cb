// POST /api/orgs/[orgId]/jobs — create a job by hand: Ready, with a snapshot of one
// default Custom stage, offered to runners whose capabilities and labels cover it.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { createJob } from '@/lib/jobs/create';
import { manualJobInput, manualJobSnapshot } from '@/lib/manual-jobs/manual-job';
import { findTicketByDisplayId } from '@/lib/tickets/lookup';

export const POST = withSession({ permission: 'runners:manage', body: manualJobInput }, async ({ orgId, userId, body }) => {
  // One transaction: the offer (NOTIFY) goes out only once the job is committed.
  const job = await getDb().transaction(async (tx) => {
    const ticket = body.ticket ? await findTicketByDisplayId(tx, orgId, body.ticket) : null;
    return createJob(tx, {
      organizationId: orgId,
      title: body.title,
      type: body.type,
      snapshot: manualJobSnapshot(body, ticket),
      requiredCapabilities: body.requiredCapabilities,
      requiredLabels: body.requiredLabels,
      ticketId: ticket?.id ?? null,
      projectId: ticket?.projectId ?? null,
      createdBy: userId,
    });
  });
  return { job: { id: job.id, status: job.status } };
});
