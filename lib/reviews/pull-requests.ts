// The pull requests runners open, linked to their ticket, job and root run. Written where the
// platform receives the runner's `pull_request` event (lib/jobs/events.ts) or the finished
// job's `result.pullRequests` (lib/jobs/transition.ts), in the same transaction; the state
// follows the host through webhooks and the poller (./process-delivery.ts).
import { and, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { JobEventPayload } from '@spedy/protocol/job-events';
import * as t from '../db/schema.ts';
import type { PullRequestState } from '../db/review-schema.ts';
import type { DbOrTx } from '../jobs/db.ts';

export type PullRequestRow = typeof t.pullRequest.$inferSelect;
type Opened = JobEventPayload<'pull_request'>;

/** Links each pull request to the job's ticket; one row per URL (a revision pushed to it later keeps the first link). */
export async function linkPullRequests(tx: DbOrTx, job: { id: string; organizationId: string }, opened: Opened[]): Promise<void> {
  if (opened.length === 0) return;
  const [row] = await tx
    .select({ ticketId: t.job.ticketId, projectId: t.job.projectId, rootJobId: t.job.rootJobId })
    .from(t.job)
    .where(and(eq(t.job.id, job.id), eq(t.job.organizationId, job.organizationId)));
  if (!row) return;
  const repositories = row.projectId
    ? await tx.select({ provider: t.projectRepository.provider, fullName: t.projectRepository.fullName }).from(t.projectRepository).where(eq(t.projectRepository.projectId, row.projectId))
    : [];
  const now = Date.now();
  for (const pr of opened) {
    const provider = repositories.find((r) => r.fullName.toLowerCase() === pr.repository.toLowerCase())?.provider ?? 'github';
    await tx
      .insert(t.pullRequest)
      .values({
        id: nanoid(),
        organizationId: job.organizationId,
        ticketId: row.ticketId,
        jobId: job.id,
        rootJobId: row.rootJobId ?? job.id,
        provider,
        repository: pr.repository,
        branch: pr.branch ?? null,
        number: pr.number,
        url: pr.url,
        state: 'open',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [t.pullRequest.organizationId, t.pullRequest.url] });
  }
}

export type PullRequestRef = { organizationId: string; provider: 'github' | 'bitbucket'; repository: string; number: number };

/** The linked pull request a host's event names; null when no runner of the organization opened it. */
export async function findLinkedPullRequest(tx: DbOrTx, ref: PullRequestRef, options: { lock?: boolean } = {}): Promise<PullRequestRow | null> {
  const query = tx
    .select()
    .from(t.pullRequest)
    .where(
      and(
        eq(t.pullRequest.organizationId, ref.organizationId),
        eq(t.pullRequest.provider, ref.provider),
        sql`lower(${t.pullRequest.repository}) = lower(${ref.repository})`,
        eq(t.pullRequest.number, ref.number),
      ),
    )
    .limit(1);
  const [row] = options.lock ? await query.for('update') : await query;
  return row ?? null;
}

/** The host says the pull request is open, merged or closed; true when that changed it. */
export async function setPullRequestState(tx: DbOrTx, id: string, state: PullRequestState): Promise<boolean> {
  const changed = await tx
    .update(t.pullRequest)
    .set({ state, updatedAt: Date.now() })
    .where(and(eq(t.pullRequest.id, id), sql`${t.pullRequest.state} <> ${state}`))
    .returning({ id: t.pullRequest.id });
  return changed.length > 0;
}
