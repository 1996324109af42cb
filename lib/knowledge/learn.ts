// Review learning: the review loop hands each processed review here (learnFromReview), and
// tells us when the runner's revision resolved the threads (learnFromResolvedReview). A
// comment of the same kind as an existing entry (same-kind.ts) on another pull request is
// evidence for (or against) that entry; any other comment becomes a new entry.
import { and, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { z } from 'zod';
import type { DbOrTx } from '../jobs/db.ts';
import { knowledgeEntry, knowledgeEvidence } from '../db/schema.ts';
import { baseConfidence } from './confidence.ts';
import { proposeEvergreen } from './evergreen.ts';
import { addEvidence } from './evidence.ts';
import { judgeSameKind } from './same-kind.ts';
import { commentLexemes, lexemesOf } from './search.ts';

/** The diff context kept with an entry: the end of the hunk (GitHub's diff_hunk ends at the commented line). */
const diffContextLines = 12;

export const reviewLesson = z.object({
  organizationId: z.string().min(1),
  projectId: z.string().min(1).nullish(),
  ticketId: z.string().min(1).nullish(),
  pullRequest: z.object({ repository: z.string().min(1), number: z.number().int().positive(), url: z.string().url() }),
  reviewer: z.string().min(1).max(200),
  reviewId: z.string().min(1).max(200),
  comments: z
    .array(
      z.object({
        path: z.string().trim().min(1).max(1000),
        line: z.number().int().nullish(),
        body: z.string().trim().min(1).max(20_000),
        diffHunk: z.string().max(100_000).nullish(),
      }),
    )
    .max(500),
});
export type ReviewLesson = z.input<typeof reviewLesson>;

export type LearnedFromReview = { created: string[]; recurred: string[]; contradicted: string[] };

/** Idempotent per review: a comment already learned from this review (as an entry or as evidence) is skipped. */
export async function learnFromReview(tx: DbOrTx, input: ReviewLesson, now = Date.now()): Promise<LearnedFromReview> {
  const lesson = reviewLesson.parse(input);
  const learned: LearnedFromReview = { created: [], recurred: [], contradicted: [] };
  for (const comment of lesson.comments) {
    if (await alreadyLearned(tx, lesson, comment)) continue;
    const lexemes = await lexemesOf(tx, comment.body);
    const match = await sameKindEntry(tx, lesson, { filePath: comment.path, lexemes, body: comment.body });
    const evidence = { organizationId: lesson.organizationId, pullRequestUrl: lesson.pullRequest.url, reviewId: lesson.reviewId, filePath: comment.path, text: comment.body };
    if (match?.verdict === 'recurrence') {
      await addEvidence(tx, { ...evidence, entryId: match.id, kind: 'recurrence' }, now);
      learned.recurred.push(match.id);
      continue;
    }
    if (match?.verdict === 'contradiction') {
      await addEvidence(tx, { ...evidence, entryId: match.id, kind: 'contradicted' }, now);
      learned.contradicted.push(match.id);
    }
    const diffContext = (comment.diffHunk ?? '').split('\n').slice(-diffContextLines).join('\n');
    const id = nanoid();
    await tx.insert(knowledgeEntry).values({
      id,
      organizationId: lesson.organizationId,
      projectId: lesson.projectId ?? null,
      ticketId: lesson.ticketId ?? null,
      filePath: comment.path,
      line: comment.line ?? null,
      diffContext,
      comment: comment.body,
      reviewer: lesson.reviewer,
      reviewId: lesson.reviewId,
      pullRequestUrl: lesson.pullRequest.url,
      confidence: baseConfidence,
      evergreen: proposeEvergreen(comment.body, diffContext),
      createdAt: now,
      updatedAt: now,
    });
    learned.created.push(id);
  }
  return learned;
}

async function alreadyLearned(tx: DbOrTx, lesson: z.infer<typeof reviewLesson>, comment: { path: string; body: string }): Promise<boolean> {
  const org = lesson.organizationId;
  const [entry] = await tx
    .select({ id: knowledgeEntry.id })
    .from(knowledgeEntry)
    .where(and(eq(knowledgeEntry.organizationId, org), eq(knowledgeEntry.reviewId, lesson.reviewId), eq(knowledgeEntry.filePath, comment.path), eq(knowledgeEntry.comment, comment.body)))
    .limit(1);
  if (entry) return true;
  const [evidence] = await tx
    .select({ id: knowledgeEvidence.id })
    .from(knowledgeEvidence)
    .where(and(eq(knowledgeEvidence.organizationId, org), eq(knowledgeEvidence.reviewId, lesson.reviewId), eq(knowledgeEvidence.filePath, comment.path), eq(knowledgeEvidence.text, comment.body)))
    .limit(1);
  return evidence !== undefined;
}

/**
 * The organization's entry this comment is most like, from another pull request, when the
 * rule calls it a recurrence or a contradiction. Entries sharing no word are never read.
 */
async function sameKindEntry(tx: DbOrTx, lesson: z.infer<typeof reviewLesson>, later: { filePath: string; lexemes: string[]; body: string }) {
  if (later.lexemes.length === 0) return null;
  const { rows } = await tx.execute<{ id: string; file_path: string; lexemes: string[] }>(sql`
    SELECT e.id, e.file_path, ${commentLexemes('e')} AS lexemes
    FROM knowledge_entry e
    WHERE e.organization_id = ${lesson.organizationId}
      AND e.pull_request_url <> ${lesson.pullRequest.url}
      AND ${commentLexemes('e')} && ${sql.param(later.lexemes)}::text[]`);
  let best: { id: string; verdict: 'recurrence' | 'contradiction'; similarity: number } | null = null;
  for (const row of rows) {
    const { verdict, similarity } = judgeSameKind({ filePath: row.file_path, lexemes: row.lexemes }, later);
    if (verdict && (!best || similarity > best.similarity)) best = { id: row.id, verdict, similarity };
  }
  return best;
}

export const resolvedReview = z.object({
  organizationId: z.string().min(1),
  reviewId: z.string().min(1),
  /** Only the threads on these files were resolved; unset: all of the review's. */
  paths: z.array(z.string().min(1)).optional(),
});

/**
 * The runner's revision resolved the review's threads: each entry the review created or
 * recurred gets one `resolved` evidence (once per review, however often this is called).
 */
export async function learnFromResolvedReview(tx: DbOrTx, input: z.input<typeof resolvedReview>, now = Date.now()): Promise<string[]> {
  const { organizationId, reviewId, paths } = resolvedReview.parse(input);
  const { rows } = await tx.execute<{ id: string; file_path: string }>(sql`
    SELECT e.id, e.file_path FROM knowledge_entry e WHERE e.organization_id = ${organizationId} AND e.review_id = ${reviewId}
    UNION
    SELECT e.id, v.file_path FROM knowledge_evidence v JOIN knowledge_entry e ON e.id = v.entry_id
    WHERE v.organization_id = ${organizationId} AND v.review_id = ${reviewId} AND v.kind = 'recurrence'`);
  const entryIds = [...new Set(rows.filter((row) => !paths || paths.includes(row.file_path)).map((row) => row.id))];
  const resolved: string[] = [];
  for (const entryId of entryIds) {
    const [done] = await tx
      .select({ id: knowledgeEvidence.id })
      .from(knowledgeEvidence)
      .where(and(eq(knowledgeEvidence.entryId, entryId), eq(knowledgeEvidence.kind, 'resolved'), eq(knowledgeEvidence.reviewId, reviewId)))
      .limit(1);
    if (done) continue;
    await addEvidence(tx, { organizationId, entryId, kind: 'resolved', reviewId }, now);
    resolved.push(entryId);
  }
  return resolved;
}
