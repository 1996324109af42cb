// Knowledge for a job a runner holds: the entries pre-loaded before a stage starts and those
// its agent recalls with knowledge_recall. Both are recorded (knowledge_use) for the job page
// and Settings → Knowledge. The organization is always the job's: never another's entries.
import { and, eq, inArray } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { Db } from '../db/client.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { knowledgeUse, ticket, ticketDescription } from '../db/schema.ts';
import { loadBoardJob } from '../board-tools/job.ts';
import type { KnowledgeUseKind } from './kinds.ts';
import { preselectKnowledge, recallKnowledge, type KnowledgeHit } from './preselect.ts';
import { pathsEditedOnTicket, pathsNamedIn } from './ticket-paths.ts';

type Runner = { id: string; organizationId: string };

/** Before a stage: `plan` is what earlier stages produced (empty for the first stage). */
export async function preloadForStage(db: Db, runner: Runner, jobId: string, input: { stageId: string; plan: string }): Promise<{ entries: KnowledgeHit[] }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    if (!job.ticketId) return { entries: [] };
    const [row] = await tx
      .select({ projectId: ticket.projectId, title: ticket.title, description: ticketDescription.body })
      .from(ticket)
      .leftJoin(ticketDescription, eq(ticketDescription.ticketId, ticket.id))
      .where(and(eq(ticket.id, job.ticketId), eq(ticket.organizationId, job.organizationId)));
    if (!row) return { entries: [] };
    const description = row.description ?? '';
    const paths = [
      ...(await pathsEditedOnTicket(tx, job.organizationId, job.ticketId)),
      ...pathsNamedIn(description),
      ...pathsNamedIn(input.plan),
    ];
    const entries = await preselectKnowledge(tx, { organizationId: job.organizationId, projectId: row.projectId, text: `${row.title}\n${description}`, paths: [...new Set(paths)] });
    await recordUses(tx, { organizationId: job.organizationId, jobId, stageId: input.stageId, kind: 'preloaded' }, entries, { once: true });
    return { entries };
  });
}

export async function recallForJob(db: Db, runner: Runner, jobId: string, input: { query: string; path?: string; stageId?: string }): Promise<{ entries: KnowledgeHit[] }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const entries = await recallKnowledge(tx, { organizationId: job.organizationId, query: input.query, path: input.path });
    await recordUses(tx, { organizationId: job.organizationId, jobId, stageId: input.stageId ?? null, kind: 'recalled' }, entries, { once: false });
    return { entries };
  });
}

/** `once`: an entry pre-loaded for the same stage again (a retried start) is recorded once. */
async function recordUses(
  tx: DbOrTx,
  use: { organizationId: string; jobId: string; stageId: string | null; kind: KnowledgeUseKind },
  entries: KnowledgeHit[],
  options: { once: boolean },
): Promise<void> {
  if (entries.length === 0) return;
  let fresh = entries;
  if (options.once) {
    const existing = await tx
      .select({ entryId: knowledgeUse.entryId })
      .from(knowledgeUse)
      .where(and(eq(knowledgeUse.jobId, use.jobId), eq(knowledgeUse.kind, use.kind), eq(knowledgeUse.stageId, use.stageId ?? ''), inArray(knowledgeUse.entryId, entries.map((e) => e.id))));
    const seen = new Set(existing.map((row) => row.entryId));
    fresh = entries.filter((entry) => !seen.has(entry.id));
  }
  if (fresh.length === 0) return;
  const now = Date.now();
  await tx.insert(knowledgeUse).values(fresh.map((entry) => ({ id: nanoid(), organizationId: use.organizationId, entryId: entry.id, jobId: use.jobId, stageId: use.stageId, kind: use.kind, createdAt: now })));
}
