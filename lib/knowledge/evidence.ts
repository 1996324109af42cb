// Adding evidence to an entry and recomputing its confidence from all of its evidence, in the caller's transaction.
import { eq } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { DbOrTx } from '../jobs/db.ts';
import { knowledgeEntry, knowledgeEvidence } from '../db/schema.ts';
import { confidenceOf } from './confidence.ts';
import type { KnowledgeEvidenceKind } from './kinds.ts';

export type EvidenceInput = {
  organizationId: string;
  entryId: string;
  kind: KnowledgeEvidenceKind;
  pullRequestUrl?: string | null;
  reviewId?: string | null;
  filePath?: string | null;
  text?: string | null;
  actorId?: string | null;
};

export async function addEvidence(tx: DbOrTx, input: EvidenceInput, now = Date.now()): Promise<number> {
  await tx.insert(knowledgeEvidence).values({
    id: nanoid(),
    organizationId: input.organizationId,
    entryId: input.entryId,
    kind: input.kind,
    pullRequestUrl: input.pullRequestUrl ?? null,
    reviewId: input.reviewId ?? null,
    filePath: input.filePath ?? null,
    text: input.text ?? null,
    actorId: input.actorId ?? null,
    createdAt: now,
  });
  const rows = await tx.select({ kind: knowledgeEvidence.kind }).from(knowledgeEvidence).where(eq(knowledgeEvidence.entryId, input.entryId));
  const confidence = confidenceOf(rows);
  await tx.update(knowledgeEntry).set({ confidence, updatedAt: now }).where(eq(knowledgeEntry.id, input.entryId));
  return confidence;
}
