// What Settings → Knowledge shows of an entry's evidence and uses (no React: the page renders these).
import type { KnowledgeEvidenceKind, KnowledgeUseKind } from './kinds.ts';

export type EntryFigures = { preloaded: number; recalled: number; recurrences: number };

/**
 * Pre-loaded: stages that got the entry before they started; recalled: times knowledge_recall
 * returned it; recurrences: later reviews on other pull requests that made the same kind of
 * comment after the entry existed (lib/knowledge/same-kind.ts) — what learning should bring down.
 */
export function entryFigures(entry: { evidence: readonly { kind: KnowledgeEvidenceKind }[]; uses: readonly { kind: KnowledgeUseKind }[] }): EntryFigures {
  return {
    preloaded: entry.uses.filter((use) => use.kind === 'preloaded').length,
    recalled: entry.uses.filter((use) => use.kind === 'recalled').length,
    recurrences: entry.evidence.filter((row) => row.kind === 'recurrence').length,
  };
}

/** Settings → Knowledge's search (entry-search.ts) shows at most this many matches, best first. */
export const entrySearchLimit = 200;
