// Settings → Knowledge's search, in PostgreSQL so it covers every entry of the organization
// (the page holds only the newest 1,000 live) and matches words by their English stems, as
// pre-selection and knowledge_recall do: "logging" finds "logs" and "logger".
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { entrySearchLimit } from './entry-figures.ts';
import { anyWordQuery, entryDocument, searchWords } from './search.ts';

/**
 * The ids of the organization's entries matching every word of `text`, best first. A word
 * matches when its stem starts a word of the lesson (full-text, prefix: "refu" finds
 * "refunds") or it appears in the file path, the reviewer or the project's name; stop words
 * ("the", "with") match everything. Ranked by full-text relevance, then newest first.
 */
export async function searchEntries(tx: DbOrTx, input: { organizationId: string; text: string; limit?: number }): Promise<string[]> {
  const words = searchWords(input.text);
  if (words.length === 0) return [];
  const { rows } = await tx.execute<{ id: string }>(sql`
    SELECT e.id FROM knowledge_entry e LEFT JOIN project p ON p.id = e.project_id
    WHERE e.organization_id = ${input.organizationId}
      AND NOT EXISTS (
        SELECT 1 FROM unnest(${sql.param(words)}::text[]) AS w(word)
        CROSS JOIN LATERAL (SELECT to_tsquery('english', '''' || w.word || ''':*') AS q, '%' || replace(w.word, '_', '\\_') || '%' AS pattern) m
        WHERE NOT (numnode(m.q) = 0 OR ${entryDocument('e')} @@ m.q
          OR e.file_path ILIKE m.pattern OR e.reviewer ILIKE m.pattern OR coalesce(p.name, '') ILIKE m.pattern))
    ORDER BY ts_rank(${entryDocument('e')}, ${anyWordQuery(input.text)}) DESC, e.created_at DESC
    LIMIT ${input.limit ?? entrySearchLimit}`);
  return rows.map((row) => row.id);
}
