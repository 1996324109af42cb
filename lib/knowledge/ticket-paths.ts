// The paths a ticket touches, for pre-selection: files earlier jobs on the ticket edited (their
// agents' Edit/Write tool calls), and paths named in its description or, after the planner, in the plan.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';

/** The agent's file-writing tools (Claude Code) and where their input names the file. */
const editTools = ['Edit', 'MultiEdit', 'Write', 'NotebookEdit'];
const maxPaths = 200;

/** A path in prose: one with a folder (`src/log.ts`, `lib/db/`) or a file name with an extension (`log.ts`). */
const pathInText = /(?<![\w/:.@-])((?:[\w@.-]+\/)+[\w@.-]*|[\w@-]+(?:\.[\w-]+)*\.[A-Za-z][A-Za-z0-9]{0,9})(?![\w/])/g;

/** Paths named in a ticket's description or a plan; URLs and version numbers are not paths. */
export function pathsNamedIn(text: string): string[] {
  const withoutUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  const found = [...withoutUrls.matchAll(pathInText)].map((m) => m[1]!.replace(/^\.\//, '').replace(/[.]+$/, ''));
  return [...new Set(found.filter((p) => p.length > 2 && !/^\d+(\.\d+)*$/.test(p)))];
}

/** A job's workspace path (`/workspace/<repository folder>/src/log.ts`) as the repository's own (`src/log.ts`). */
export function repositoryPath(containerPath: string): string {
  return containerPath.replace(/^\/workspace\/[^/]+\//, '');
}

/** Files the agents of earlier jobs on this ticket wrote. */
export async function pathsEditedOnTicket(tx: DbOrTx, organizationId: string, ticketId: string): Promise<string[]> {
  const { rows } = await tx.execute<{ path: string }>(sql`
    SELECT DISTINCT coalesce(ev.payload->'input'->>'file_path', ev.payload->'input'->>'notebook_path') AS path
    FROM job j JOIN job_event ev ON ev.job_id = j.id
    WHERE j.organization_id = ${organizationId} AND j.ticket_id = ${ticketId}
      AND ev.type = 'tool_call' AND ev.payload->>'name' = ANY(${sql.param(editTools)}::text[])
    LIMIT ${maxPaths}`);
  return [...new Set(rows.flatMap((row) => (row.path ? [repositoryPath(row.path)] : [])))];
}
