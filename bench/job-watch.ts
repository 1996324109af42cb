// One job of the job bench, from the ticket move to the ticket in its completion status:
// every moment on one clock (epoch ms; the platform, the supervisor and this process share
// the machine's clock), taken where it happens — PostgreSQL's own stamps, the supervisor's
// event times, a listening runner's socket and a second member's live Zero queries.
import type pg from 'pg';
import { runnerEventTypes } from '@spedy/protocol/job-events';
import { rankBetween } from '../lib/tickets/rank.ts';
import { createTicket, serverVerdict, type Member } from '../test/support/fixtures.ts';
import type { RunnerSocket } from '../test/support/runners.ts';
import { waitForData } from '../test/support/zero-client.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';

export type BenchProject = { id: string; key: string; orgID: string; statuses: { id: string; name: string }[] };

export type StageMarks = {
  name: string;
  started: number;
  /** The CLI's first line (its init message); `mcp` is how its MCP servers stood then. */
  session?: number;
  mcp?: string;
  result?: number;
  /** The last validation command's event. */
  validated?: number;
  completed?: number;
};

/** Epoch ms of each moment of one job; undefined when it did not happen. */
export type JobMarks = {
  jobId: string;
  status: string;
  statusReason: string | null;
  moved: number;
  moveCommitted: number;
  jobCreated: number;
  offered?: number;
  claimed?: number;
  jobVisible?: number;
  firstEvent?: number;
  firstAgentEmitted?: number;
  firstAgentStored?: number;
  firstAgentVisible?: number;
  stages: StageMarks[];
  prOpened?: number;
  finished?: number;
  ticketDone?: number;
};

/** Events the runner writes itself; everything else comes from the agent's transcript. */
const runnerEventTypeSet = new Set<string>(runnerEventTypes);
const pollMs = 25;

/** Offers a listening runner of the same organization receives, by job id (its receipt time). */
export function recordOffers(socket: RunnerSocket): Map<string, number> {
  const offers = new Map<string, number>();
  socket.ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; jobId?: string };
    if (message.type === 'offer' && message.jobId && !offers.has(message.jobId)) offers.set(message.jobId, Date.now());
  });
  return offers;
}

async function until<T>(what: string, deadline: number, signal: AbortSignal, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within the time limit`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function stageMarks(events: { type: string; payload: Record<string, unknown>; created_at: number }[]): StageMarks[] {
  const stages = new Map<string, StageMarks>();
  for (const e of events) {
    const id = e.payload.stage;
    if (typeof id !== 'string') continue;
    if (e.type === 'stage' && (e.payload.phase === 'started' || e.payload.phase === 'resumed') && !stages.has(id)) {
      stages.set(id, { name: String(e.payload.name), started: e.created_at });
    }
    const marks = stages.get(id);
    if (!marks) continue;
    if (e.type === 'session' && marks.session === undefined) {
      marks.session = e.created_at;
      const servers = (e.payload.mcpServers ?? []) as { name: string; status: string }[];
      marks.mcp = servers.map((m) => `${m.name} ${m.status}`).join(', ');
    } else if (e.type === 'validation') marks.validated = e.created_at;
    if (e.type === 'result') marks.result = e.created_at;
    else if (e.type === 'stage' && e.payload.phase !== 'started' && e.payload.phase !== 'resumed') marks.completed = e.created_at;
  }
  return [...stages.values()];
}

/**
 * Creates a ticket, moves it into the team's working status from `mover`'s client and
 * follows the job to its end; `watcher` is the second member whose live queries stand in
 * for a browser (the job list, the job's feed, the board).
 */
export async function measureJob(input: {
  mover: Member;
  watcher: Member;
  project: BenchProject;
  pool: pg.Pool;
  offers: Map<string, number>;
  title: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<JobMarks> {
  const { mover, watcher, project, pool, signal } = input;
  const working = project.statuses.find((s) => s.name === 'AI Processing')!;
  const done = project.statuses.find((s) => s.name === 'In Review')!;
  const ticketId = await createTicket(mover, project, input.title);
  const deadline = Date.now() + input.timeoutMs;

  // The watcher's live queries are open before the move, as a board and a job list would be.
  const orgID = project.orgID;
  const jobsView = watcher.zero.materialize(queries.runners.jobs({ orgID, limit: 20 }));
  const boardView = watcher.zero.materialize(queries.boardTickets({ orgID, projectID: project.id }));
  const views: { destroy(): void }[] = [jobsView, boardView];
  try {
    await waitForData(boardView, (rows) => rows.some((t) => t.id === ticketId), 30_000);
    const moved = Date.now();
    const result = mover.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: working.id, rank: rankBetween(null, null) }));
    const ticketDone = waitForData(boardView, (rows) => rows.some((t) => t.id === ticketId && t.statusId === done.id), input.timeoutMs).then(() => Date.now());
    ticketDone.catch(() => undefined);
    const jobVisible = waitForData(jobsView, (rows) => rows.some((j) => j.ticketId === ticketId), input.timeoutMs).then((rows) => ({
      at: Date.now(),
      jobId: rows.find((j) => j.ticketId === ticketId)!.id,
    }));
    jobVisible.catch(() => undefined);
    const verdict = await serverVerdict(result);
    const moveCommitted = Date.now();
    if (verdict) throw new Error(`ticket.move refused: ${verdict}`);

    const job = await until('the job row', deadline, signal, async () => {
      const { rows } = await pool.query<{ id: string; created_at: number }>('SELECT id, created_at FROM job WHERE ticket_id = $1', [ticketId]);
      return rows[0];
    });
    // The feed a browser's job view holds, open as soon as the job is known here.
    let firstAgentVisible: number | undefined;
    const feed = watcher.zero.materialize(queries.runners.jobFeed({ orgID, jobID: job.id }));
    views.push(feed);
    const agentSeen = waitForData(feed, (rows) => rows.some((e) => !runnerEventTypeSet.has(e.type)), input.timeoutMs).then(() => (firstAgentVisible = Date.now()));
    agentSeen.catch(() => undefined);

    const firstAgentStored = await until('the first agent event', deadline, signal, async () => {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_event WHERE job_id = $1 AND NOT (type = ANY($2::text[]))`, [
        job.id,
        [...runnerEventTypeSet],
      ]);
      return rows[0].n > 0 ? Date.now() : undefined;
    });
    const final = await until('the end of the job', deadline, signal, async () => {
      const { rows } = await pool.query<{ status: string; status_reason: string | null; claimed_at: number | null; finished_at: number | null }>(
        'SELECT status, status_reason, claimed_at, finished_at FROM job WHERE id = $1',
        [job.id],
      );
      return ['completed', 'failed', 'error'].includes(rows[0].status) ? rows[0] : undefined;
    });
    const { rows: events } = await pool.query<{ seq: number; type: string; payload: Record<string, unknown>; created_at: number }>(
      'SELECT seq, type, payload, created_at FROM job_event WHERE job_id = $1 ORDER BY seq',
      [job.id],
    );
    const firstAgent = events.find((e) => !runnerEventTypeSet.has(e.type));
    const marks: JobMarks = {
      jobId: job.id,
      status: final.status,
      statusReason: final.status_reason,
      moved,
      moveCommitted,
      jobCreated: Number(job.created_at),
      offered: input.offers.get(job.id),
      claimed: final.claimed_at === null ? undefined : Number(final.claimed_at),
      firstEvent: events[0] && Number(events[0].created_at),
      firstAgentEmitted: firstAgent && Number(firstAgent.created_at),
      firstAgentStored,
      stages: stageMarks(events.map((e) => ({ ...e, created_at: Number(e.created_at) }))),
      prOpened: events.find((e) => e.type === 'pull_request')?.created_at,
      finished: final.finished_at === null ? undefined : Number(final.finished_at),
    };
    if (marks.prOpened !== undefined) marks.prOpened = Number(marks.prOpened);
    if (final.status === 'completed') marks.ticketDone = await ticketDone;
    marks.jobVisible = (await jobVisible).at;
    await agentSeen.catch(() => undefined);
    marks.firstAgentVisible = firstAgentVisible;
    return marks;
  } finally {
    for (const view of views) view.destroy();
  }
}
