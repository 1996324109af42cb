'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useMemo } from 'react';
import { jobKnowledge, type JobKnowledgeLine } from '@/lib/knowledge/job-uses';
import { queries } from '@/zero/queries';

/** The job's knowledge: entries pre-loaded into its stages and those its agents recalled, live. */
export function JobKnowledge({ orgID, jobID, stageName }: { orgID: string; jobID: string; stageName: (id: string | null) => string | null }) {
  const [uses] = useQuery(queries.knowledge.jobUses({ orgID, jobID }));
  const { preloaded, recalled } = useMemo(() => jobKnowledge(uses), [uses]);
  return (
    <section className="grid gap-2" aria-labelledby="knowledge-heading" data-testid="job-knowledge">
      <h2 id="knowledge-heading" className="text-sm font-medium">
        Knowledge
      </h2>
      {preloaded.length === 0 && recalled.length === 0 ? (
        <p className="text-sm text-muted-foreground">No lessons from earlier reviews were used yet.</p>
      ) : (
        <>
          <KnowledgeList title="Pre-loaded" testId="job-knowledge-preloaded" lines={preloaded} detail={(line) => line.stageIds.map((id) => stageName(id) ?? id).join(', ')} />
          <KnowledgeList title="Recalled" testId="job-knowledge-recalled" lines={recalled} detail={(line) => (line.times > 1 ? `${line.times} times` : '')} />
        </>
      )}
    </section>
  );
}

function KnowledgeList({ title, testId, lines, detail }: { title: string; testId: string; lines: JobKnowledgeLine[]; detail: (line: JobKnowledgeLine) => string }) {
  if (lines.length === 0) return null;
  return (
    <div className="grid gap-1.5">
      <h3 className="text-xs text-muted-foreground">
        {title} ({lines.length})
      </h3>
      <ul className="grid gap-1.5" data-testid={testId}>
        {lines.map((line) => (
          <li key={line.entryId} className="rounded-md border p-2 text-xs" data-entry={line.entryId}>
            <div className="flex justify-between gap-2 font-mono text-muted-foreground">
              <span className="truncate">{line.filePath}</span>
              <span>{detail(line)}</span>
            </div>
            <p className="line-clamp-3">{line.comment}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
