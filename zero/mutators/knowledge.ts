// Settings → Knowledge: a person edits an entry (an edited text is evidence against it),
// sets or clears evergreen, dismisses or deletes it. Confidence is recomputed from the
// evidence in the same transaction (lib/knowledge/confidence.ts), here as in lib/knowledge/.
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn, type ZeroContext } from '../../lib/auth/context.ts';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { confidenceOf } from '../../lib/knowledge/confidence.ts';
import type { KnowledgeEvidenceKind } from '../../lib/knowledge/kinds.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';

export const knowledgeFields = {
  comment: z.string().trim().min(1, 'Write what the reviewer taught.').max(20_000, 'At most 20,000 characters.'),
  filePath: z.string().trim().min(1, 'Name the file the lesson is about.').max(1000, 'Paths are at most 1000 characters.'),
};

async function loadEntry(tx: Transaction, ctx: ZeroContext | undefined, id: string) {
  const entry = await tx.run(zql.knowledgeEntry.where('id', id).one());
  if (!entry || !roleIn(ctx, entry.organizationId)) throw new SpedyError('notFound', 'Knowledge entry not found.');
  assertPermission(ctx, entry.organizationId, 'teams:manage');
  return entry;
}

async function addEvidence(
  tx: Transaction,
  entry: { id: string; organizationId: string },
  evidence: { id: string; kind: KnowledgeEvidenceKind; text: string | null; actorId: string | null },
  now: number,
) {
  await tx.mutate.knowledgeEvidence.insert({ ...evidence, organizationId: entry.organizationId, entryId: entry.id, pullRequestUrl: null, reviewId: null, filePath: null, createdAt: now });
  const rows = await tx.run(zql.knowledgeEvidence.where('entryId', entry.id));
  const all = rows.some((row) => row.id === evidence.id) ? rows : [...rows, evidence];
  return confidenceOf(all);
}

export const knowledgeMutators = {
  /** A changed text is `edited` evidence: what was learned needed a person's correction. */
  update: defineMutator(z.object({ id: idArg, evidenceID: idArg, ...knowledgeFields }), async ({ tx, args, ctx }) => {
    const entry = await loadEntry(tx, ctx, args.id);
    const now = Date.now();
    let confidence = entry.confidence;
    if (args.comment !== entry.comment) {
      confidence = await addEvidence(tx, entry, { id: args.evidenceID, kind: 'edited', text: entry.comment, actorId: ctx?.userID ?? null }, now);
    }
    await tx.mutate.knowledgeEntry.update({ id: entry.id, comment: args.comment, filePath: args.filePath, confidence, updatedAt: now });
  }),

  /** A person's word on evergreen replaces the rule's proposal (and says whose it is). */
  setEvergreen: defineMutator(z.object({ id: idArg, evergreen: z.boolean() }), async ({ tx, args, ctx }) => {
    const entry = await loadEntry(tx, ctx, args.id);
    await tx.mutate.knowledgeEntry.update({ id: entry.id, evergreen: args.evergreen, evergreenSetBy: ctx?.userID ?? null, updatedAt: Date.now() });
  }),

  dismiss: defineMutator(z.object({ id: idArg, evidenceID: idArg, note: z.string().trim().max(2000).optional() }), async ({ tx, args, ctx }) => {
    const entry = await loadEntry(tx, ctx, args.id);
    const now = Date.now();
    const confidence = await addEvidence(tx, entry, { id: args.evidenceID, kind: 'dismissed', text: args.note || null, actorId: ctx?.userID ?? null }, now);
    await tx.mutate.knowledgeEntry.update({ id: entry.id, confidence, updatedAt: now });
  }),

  /** Its evidence and uses go with it (ON DELETE CASCADE). */
  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const entry = await loadEntry(tx, ctx, args.id);
    await tx.mutate.knowledgeEntry.delete({ id: entry.id });
  }),
};
