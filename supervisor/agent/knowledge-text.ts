// How knowledge entries read to an agent: in a stage's first prompt (pre-loaded) and as knowledge_recall's answer.
import type { KnowledgeEntryWire } from '@spedy/protocol/knowledge-wire';

export function renderKnowledgeEntries(entries: readonly KnowledgeEntryWire[]): string {
  return entries
    .map((entry) => {
      const kind = entry.evergreen ? 'convention' : 'earlier fix';
      const quoted = entry.comment.trim().split('\n').map((line) => `  > ${line}`).join('\n');
      return `- ${entry.filePath} (${kind}, confidence ${entry.confidence.toFixed(2)}, from ${entry.reviewer}):\n${quoted}`;
    })
    .join('\n');
}

/** The stage prompt's section; none without entries. */
export function preloadedKnowledgeSection(entries: readonly KnowledgeEntryWire[], recallTool: string | null): string | null {
  if (entries.length === 0) return null;
  const more = recallTool ? `\n\nFor more, search every lesson of the organization with ${recallTool}.` : '';
  return `## What reviewers taught before\n\nReviewers made these comments on earlier pull requests; follow them where they apply:\n\n${renderKnowledgeEntries(entries)}${more}`;
}
