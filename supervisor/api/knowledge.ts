// The knowledge resource: entries pre-loaded before a stage, and the agent's knowledge_recall, for a job this runner holds.
import { knowledgeEntriesResponse, type KnowledgeEntryWire } from '@spedy/protocol/knowledge-wire';
import type { PlatformHttp } from './http.ts';

const base = (jobId: string) => `runners/jobs/${encodeURIComponent(jobId)}/knowledge`;

export async function preloadKnowledge(http: PlatformHttp, runnerId: string, jobId: string, input: { stageId: string; plan: string }): Promise<KnowledgeEntryWire[]> {
  const { entries } = await http.request('POST', `${base(jobId)}/preload`, { body: { runnerId, ...input }, response: knowledgeEntriesResponse });
  return entries;
}

export async function recallKnowledge(http: PlatformHttp, runnerId: string, jobId: string, input: { query: string; path?: string }): Promise<KnowledgeEntryWire[]> {
  const { entries } = await http.request('POST', `${base(jobId)}/recall`, { body: { runnerId, ...input }, response: knowledgeEntriesResponse });
  return entries;
}
