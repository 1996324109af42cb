// For tests that run real jobs: the platform, the real supervisor (demo runner), Docker and
// the Claude Code CLI against the scripted model.
import path from 'node:path';
import type Docker from 'dockerode';
import { expect } from 'vitest';
import { rankBetween } from '../../lib/tickets/rank.ts';
import { startDemoRunner, type DemoRunner } from '../../stack/demo-runner.ts';
import type { Scenario } from '../../test-kit/model-server/scenario.ts';
import { ContainerLabel } from '../../supervisor/container/stage-container.ts';
import type { StageConfig } from '../../lib/teams/pipeline.ts';
import { presets } from '../../lib/teams/presets.ts';
import { mutators } from '../../zero/mutators.ts';
import { queries } from '../../zero/queries.ts';
import { waitForData } from './zero-client.ts';
import { sql } from './db.ts';
import { poll } from './poll.ts';
import { createTicket, serverVerdict, type createProject, type Member } from './fixtures.ts';
import { testStack } from './stack-env.ts';

export { poll };

type Project = Awaited<ReturnType<typeof createProject>>;

export type JobRow = {
  id: string;
  type: string;
  status: string;
  status_reason: string | null;
  last_event_seq: number;
  result: { pullRequests?: { url: string; branch: string; repository: string }[] } | null;
  snapshot: unknown;
};

/** Final statuses (a Stopped job can still be continued). */
export const endedJobStatuses = ['completed', 'failed', 'error'];

export async function latestJob(ticketId: string): Promise<JobRow | undefined> {
  const [job] = await sql<JobRow>(
    testStack().databaseUrl,
    `SELECT j.id, j.type, j.status, j.status_reason, j.last_event_seq, j.result, s.snapshot
     FROM job j LEFT JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.ticket_id = $1 ORDER BY j.created_at DESC LIMIT 1`,
    [ticketId],
  );
  return job;
}

/** The ticket's latest job once it is in one of `statuses`; fails early if it ends in another. */
export function jobIn(ticketId: string, statuses: string[], timeoutMs = 240_000): Promise<JobRow> {
  return poll(
    `a job of the ticket in ${statuses.join('/')}`,
    async () => {
      const job = await latestJob(ticketId);
      if (job && endedJobStatuses.includes(job.status) && !statuses.includes(job.status)) throw new Error(`the job ended ${job.status}: ${job.status_reason}`);
      return job && statuses.includes(job.status) ? job : undefined;
    },
    timeoutMs,
  );
}

export async function ticketState(ticketId: string): Promise<{ status: string; ai_failed: boolean }> {
  const [ticket] = await sql<{ status: string; ai_failed: boolean }>(
    testStack().databaseUrl,
    'SELECT s.name AS status, t.ai_failed FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1',
    [ticketId],
  );
  return ticket;
}

/** A new ticket, moved by `member` into AI Processing (which creates its job). */
export async function startTicket(member: Member, project: Project, title: string): Promise<string> {
  const ticketId = await createTicket(member, project, title);
  const working = project.statuses.find((s) => s.name === 'AI Processing')!;
  expect(await serverVerdict(member.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: working.id, rank: rankBetween(null, null) })))).toBeNull();
  return ticketId;
}

export type TestRunner = DemoRunner & { dataDir: string };

/**
 * The demo runner for `member`'s project. Every test file uses the same folder, so its
 * Docker engine keeps the runner image from one file to the next.
 */
export async function startTestRunner(
  member: Member,
  projectKey: string,
  options: { appUrl?: string; scenarios?: Record<string, Scenario>; localEnv?: Record<string, string>; modelAccessTokens?: readonly string[] } = {},
): Promise<TestRunner | null> {
  const stack = testStack();
  const dataDir = path.join(stack.dataDir ?? '.test-data', 'runner');
  const runner = await startDemoRunner({
    dataDir,
    appUrl: options.appUrl ?? stack.appUrl,
    databaseUrl: stack.databaseUrl,
    appEnv: process.env,
    target: { orgSlug: member.orgSlug, projectKey },
    scenarios: options.scenarios,
    localEnv: options.localEnv,
    modelAccessTokens: options.modelAccessTokens,
    log: () => {},
  });
  return runner && { ...runner, dataDir };
}

export function containersOf(docker: Docker, jobId: string) {
  return docker.listContainers({ all: true, filters: { label: [`${ContainerLabel.job}=${jobId}`] } });
}

/** Whether a running container of the job has an agent in the scripted `sleep 600` (the slow scenarios). */
export async function agentSleeping(docker: Docker, jobId: string): Promise<boolean> {
  for (const info of await containersOf(docker, jobId)) {
    if (info.State !== 'running') continue;
    const top = (await docker.getContainer(info.Id).top().catch(() => null)) as { Processes: string[][] | null } | null;
    // `ps -ef`: the command is the last column. A container that is starting or ending can answer with no process list at all.
    if (top?.Processes?.some((p) => p.at(-1)?.startsWith('sleep 600'))) return true;
  }
  return false;
}

/** The payloads of a job's events of one type, in order. */
export async function eventsOf(jobId: string, type: string): Promise<Record<string, unknown>[]> {
  const rows = await sql<{ payload: Record<string, unknown> }>(testStack().databaseUrl, 'SELECT payload FROM job_event WHERE job_id = $1 AND type = $2 ORDER BY seq', [jobId, type]);
  return rows.map((row) => row.payload);
}

/** A coding stage of the Code Runner preset, with `partial` on top. */
export function codingStage(id: string, partial: Partial<StageConfig> & Pick<StageConfig, 'name'>): StageConfig {
  return { ...presets.code_runner.pipeline().steps[1]!.stages[0]!, id, type: 'coding', ...partial };
}

/** Waits until the job a member's client sees has `status` (the mutators check that job, as the job page does). */
export async function whenMemberSees(member: Member, jobId: string, status: string): Promise<void> {
  const view = member.zero.materialize(queries.runners.job({ orgID: member.orgID, jobID: jobId }));
  try {
    await waitForData(view, (job) => job?.status === status, 30_000);
  } finally {
    view.destroy();
  }
}
