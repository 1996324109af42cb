// The job page's knowledge panel: which entries each stage got before it started, and which its agents recalled.
import type { KnowledgeUseKind } from './kinds.ts';

type Use = { entryId: string; stageId: string | null; kind: KnowledgeUseKind; entry?: { filePath: string; comment: string; evergreen: boolean; confidence: number } | null };

export type JobKnowledgeLine = { entryId: string; filePath: string; comment: string; evergreen: boolean; confidence: number; stageIds: string[]; times: number };

/** One line per entry and kind, in the order the entries were first used; entries deleted since are left out. */
export function jobKnowledge(uses: readonly Use[]): { preloaded: JobKnowledgeLine[]; recalled: JobKnowledgeLine[] } {
  const lines = { preloaded: new Map<string, JobKnowledgeLine>(), recalled: new Map<string, JobKnowledgeLine>() };
  for (const use of uses) {
    if (!use.entry) continue;
    const byEntry = lines[use.kind];
    const line = byEntry.get(use.entryId) ?? { entryId: use.entryId, ...pick(use.entry), stageIds: [], times: 0 };
    if (use.stageId && !line.stageIds.includes(use.stageId)) line.stageIds.push(use.stageId);
    line.times++;
    byEntry.set(use.entryId, line);
  }
  return { preloaded: [...lines.preloaded.values()], recalled: [...lines.recalled.values()] };
}

const pick = (entry: NonNullable<Use['entry']>) => ({ filePath: entry.filePath, comment: entry.comment, evergreen: entry.evergreen, confidence: entry.confidence });
