// The words of review learning: what counts as evidence about an entry, and how an entry reached an agent.

/**
 * recurrence: the same kind of comment came back on another pull request after the entry existed;
 * resolved: the runner's revision resolved the reviewer's thread;
 * edited: a person corrected the entry's text (what was learned was not quite right);
 * dismissed: a person said the entry is wrong or not worth keeping;
 * contradicted: a later reviewer said the opposite on the same kind of code.
 */
export const knowledgeEvidenceKinds = ['recurrence', 'resolved', 'edited', 'dismissed', 'contradicted'] as const;
export type KnowledgeEvidenceKind = (typeof knowledgeEvidenceKinds)[number];

/** preloaded: put into a stage's context before it started; recalled: returned by knowledge_recall. */
export const knowledgeUseKinds = ['preloaded', 'recalled'] as const;
export type KnowledgeUseKind = (typeof knowledgeUseKinds)[number];
