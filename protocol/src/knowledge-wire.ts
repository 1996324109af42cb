// The runner API's knowledge calls: pre-loading entries before a stage, and the agent's knowledge_recall.
import { z } from 'zod';

export const knowledgeEntryWire = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  filePath: z.string(),
  comment: z.string(),
  reviewer: z.string(),
  evergreen: z.boolean(),
  confidence: z.number(),
});
export type KnowledgeEntryWire = z.infer<typeof knowledgeEntryWire>;
export const knowledgeEntriesResponse = z.object({ entries: z.array(knowledgeEntryWire) });

/** POST /runners/jobs/:id/knowledge/preload — `plan`: what earlier stages produced (paths named in it count). */
export const knowledgePreloadRequest = z.object({ runnerId: z.string(), stageId: z.string().min(1).max(200), plan: z.string().max(200_000).default('') });

/** POST /runners/jobs/:id/knowledge/recall — the agent's knowledge_recall. */
export const knowledgeRecallRequest = z.object({
  runnerId: z.string(),
  query: z.string().trim().min(1, 'Say what to look for in query.').max(2000, 'The query is at most 2000 characters.'),
  path: z.string().trim().max(1000).optional(),
});
