// The full-text side of knowledge, in one place: the document an entry is searched by (the
// same expression as the index in migration 0031), the lexemes of a text, and an any-word query.
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';

/** An entry's search document; `alias` is the knowledge_entry table's alias in the query. */
export const entryDocument = (alias: string): SQL => sql.raw(`to_tsvector('english', ${alias}.comment || ' ' || ${alias}.file_path)`);

/** The lexemes of a comment alone (what the same-kind rule compares). */
export const commentLexemes = (alias: string): SQL => sql.raw(`tsvector_to_array(to_tsvector('english', ${alias}.comment))`);

/**
 * A query matching any word of `text` (plainto_tsquery ANDs them; its output is a valid
 * tsquery of quoted lexemes, so swapping the operators is safe). Empty for stop words only.
 */
export const anyWordQuery = (text: string): SQL => sql`replace(plainto_tsquery('english', ${text})::text, ' & ', ' | ')::tsquery`;

export async function lexemesOf(tx: DbOrTx, text: string): Promise<string[]> {
  const { rows } = await tx.execute<{ lexemes: string[] }>(sql`SELECT tsvector_to_array(to_tsvector('english', ${text})) AS lexemes`);
  return rows[0]?.lexemes ?? [];
}

/** The words of a person's search, as full-text and LIKE can take them (letters, digits, underscore). */
export function searchWords(text: string): string[] {
  return [...new Set(text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean))].slice(0, 12);
}
