// An entry's confidence, computed from its evidence rows alone, so anyone can recompute it
// from what is stored. Pure (no database): lib/knowledge/ and the knowledge mutators (which
// run in the browser too) call it after every change to an entry's evidence.
import type { KnowledgeEvidenceKind } from './kinds.ts';

/** What a new entry starts with: one reviewer said it once. */
export const baseConfidence = 0.5;

/** Pre-selection shares an evergreen entry across projects from this confidence on. */
export const sharedConfidence = 0.7;

/** How much one piece of evidence moves the confidence. */
export const evidenceWeights: Record<KnowledgeEvidenceKind, number> = {
  recurrence: 0.15,
  resolved: 0.1,
  edited: -0.1,
  dismissed: -0.3,
  contradicted: -0.25,
};

/**
 * confidence = clamp(0.5 + 0.15·recurrences + 0.10·resolved − 0.10·edited − 0.30·dismissed
 * − 0.25·contradicted, 0, 1), rounded to two decimals. Order does not matter: the same rows
 * always give the same number. Two recurrences (0.80) or a recurrence and a resolved thread
 * (0.75) make an evergreen entry shared across projects.
 */
export function confidenceOf(evidence: readonly { kind: KnowledgeEvidenceKind }[]): number {
  const score = evidence.reduce((sum, row) => sum + (evidenceWeights[row.kind] ?? 0), baseConfidence);
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}
