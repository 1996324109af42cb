// Pre-selection: the entries put into a stage's context before it starts. Ranked by
// full-text relevance to the ticket's title and description plus a bonus for the paths the
// ticket touches; scoped to the ticket's project plus evergreen entries with confidence ≥ 0.7
// from any project of the organization.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { sharedConfidence } from './confidence.ts';
import { entryDocument, anyWordQuery } from './search.ts';

/** At most this many entries go into a stage's context. */
export const preselectLimit = 8;
/** Entries a person brought down this far (a dismissal does) are not pre-loaded; knowledge_recall still finds them. */
export const preselectMinConfidence = 0.3;
/** Relevance added when the entry's file is one the ticket touches (exactly, or the same file under another folder) / in the same folder. */
const samePathBonus = 1;
const sameFolderBonus = 0.3;

export type KnowledgeHit = {
  id: string;
  projectId: string | null;
  filePath: string;
  comment: string;
  reviewer: string;
  evergreen: boolean;
  confidence: number;
};

export type PreselectInput = {
  organizationId: string;
  /** The ticket's project; null for a job without one (then only shared entries). */
  projectId: string | null;
  /** The ticket's title and description. */
  text: string;
  /** Repository paths the ticket touches (ticket-paths.ts). */
  paths: string[];
  limit?: number;
};

export async function preselectKnowledge(tx: DbOrTx, input: PreselectInput): Promise<KnowledgeHit[]> {
  const paths = input.paths.slice(0, 200);
  const folders = [...new Set(paths.map((p) => p.replace(/\/?[^/]*$/, '')).filter(Boolean))];
  const { rows } = await tx.execute<HitRow>(sql`
    WITH scored AS (
      SELECT e.*,
        ts_rank(${entryDocument('e')}, ${anyWordQuery(input.text)}) +
        CASE WHEN EXISTS (SELECT 1 FROM unnest(${sql.param(paths)}::text[]) p WHERE e.file_path = p OR e.file_path LIKE '%/' || p OR p LIKE '%/' || e.file_path) THEN ${samePathBonus}::float8
             WHEN regexp_replace(e.file_path, '/?[^/]*$', '') = ANY(${sql.param(folders)}::text[]) THEN ${sameFolderBonus}::float8
             ELSE 0 END AS score
      FROM knowledge_entry e
      WHERE e.organization_id = ${input.organizationId}
        AND e.confidence >= ${preselectMinConfidence}
        AND (e.project_id = ${input.projectId} OR (e.evergreen AND e.confidence >= ${sharedConfidence}))
    )
    SELECT id, project_id, file_path, comment, reviewer, evergreen, confidence FROM scored
    WHERE score > 0 ORDER BY score DESC, confidence DESC, created_at ASC LIMIT ${input.limit ?? preselectLimit}`);
  return rows.map(toHit);
}

type HitRow = { id: string; project_id: string | null; file_path: string; comment: string; reviewer: string; evergreen: boolean; confidence: number };

export const toHit = (row: HitRow): KnowledgeHit => ({
  id: row.id,
  projectId: row.project_id,
  filePath: row.file_path,
  comment: row.comment,
  reviewer: row.reviewer,
  evergreen: row.evergreen,
  confidence: Number(row.confidence),
});

/** knowledge_recall: every entry of the organization (no project or confidence scope), by relevance to the query and path. */
export async function recallKnowledge(tx: DbOrTx, input: { organizationId: string; query: string; path?: string; limit?: number }): Promise<KnowledgeHit[]> {
  const path = input.path ?? '';
  const { rows } = await tx.execute<HitRow>(sql`
    WITH scored AS (
      SELECT e.*, ts_rank(${entryDocument('e')}, ${anyWordQuery(input.query)}) +
        CASE WHEN ${path} <> '' AND (e.file_path = ${path} OR e.file_path LIKE '%/' || ${path} OR ${path} LIKE '%/' || e.file_path) THEN ${samePathBonus}::float8 ELSE 0 END AS score
      FROM knowledge_entry e WHERE e.organization_id = ${input.organizationId}
    )
    SELECT id, project_id, file_path, comment, reviewer, evergreen, confidence FROM scored
    WHERE score > 0 ORDER BY score DESC, confidence DESC, created_at ASC LIMIT ${input.limit ?? 10}`);
  return rows.map(toHit);
}
