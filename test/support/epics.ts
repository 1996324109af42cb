// For tests of epic runs (lib/epics): an organization with a project, a runner team whose label
// only this harness's runner has, and that runner driven through the real runner API (claim,
// status, events) as a supervisor would, without Docker.
import { nanoid } from 'nanoid';
import { connectDb, type Db } from '../../lib/db/client.ts';
import { issueRunnerToken } from '../../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../../lib/secrets/keyring.ts';
import { presets } from '../../lib/teams/presets.ts';
import { createTicket } from '../../lib/tickets/create.ts';
import type { TicketType } from '../../lib/tickets/hierarchy.ts';
import { mutators } from '../../zero/mutators.ts';
import { queries } from '../../zero/queries.ts';
import { sql } from './db.ts';
import { createProject, newMember, serverVerdict, waitForTeam, type Member } from './fixtures.ts';
import { poll } from './poll.ts';
import { registerRunner, runnerApi, type RunnerApi } from './runners.ts';
import { testStack } from './stack-env.ts';
import { waitForData } from './zero-client.ts';

/** Shared by vitest and Playwright specs (and the bench), so it checks with plain errors. */
function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

async function applied(what: string, result: Promise<string | null>): Promise<void> {
  const verdict = await result;
  must(verdict === null, `${what} refused: ${verdict}`);
}

/** A runner API answer that must be 200. */
function ok(what: string, res: { status: number; body: unknown }): void {
  must(res.status === 200, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

export type EpicJob = { id: string; ticketId: string | null; role: string | null; status: string };

export type EpicHarness = {
  owner: Member;
  db: Db;
  api: RunnerApi;
  runnerId: string;
  project: Awaited<ReturnType<typeof createProject>>;
  teamId: string;
  close(): Promise<void>;
};

/** What the ticket helpers need: an Epic's board, with this harness's runner or another (a real supervisor). */
export type EpicBoard = Pick<EpicHarness, 'owner' | 'db' | 'project'>;

const url = () => testStack().databaseUrl;

export async function epicHarness(name: string, key: string, budget: { maxCostUsd: number | null } = { maxCostUsd: 10 }): Promise<EpicHarness> {
  const owner = await newMember(name);
  const project = await createProject(owner, key);
  const label = `epic-${nanoid(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const teamId = nanoid();
  const fields = { description: 'Epic tests', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: [label] };
  await applied('team.create', serverVerdict(owner.zero.mutate(mutators.team.create({ id: teamId, orgID: owner.orgID, preset: 'code_runner', name: `${key} team`, handle: `${key.toLowerCase()}-team`, ...fields }))));
  await waitForTeam(owner, teamId);
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [{ id: 'step-only', stages: [{ ...presets.code_runner.pipeline().steps[1]!.stages[0]!, id: 'work', type: 'coding', name: 'Work' }] }];
  await applied('team.setPipeline', serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: teamId, pipeline }))));
  await sql(url(), `UPDATE runner_team SET budget = budget || $2::jsonb WHERE id = $1`, [teamId, JSON.stringify(budget)]);
  await applied('buildSettings.setProjectRunner', serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'auto' }))));
  const { db, close } = connectDb(url());
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: `${name} token`, createdBy: owner.userID });
  const api = runnerApi(testStack().appUrl, issued.token);
  const runnerId = await registerRunner(api, { labels: [label], poolSize: 64 });
  return {
    owner,
    db,
    api,
    runnerId,
    project,
    teamId,
    close: async () => {
      await owner.zero.close();
      await close();
    },
  };
}

/** A ticket written on the server without a trigger (as a test fixture). */
export async function addTicket(h: EpicBoard, title: string, type: TicketType, parentId: string | null, statusName = 'Todo'): Promise<string> {
  const statusId = h.project.statuses.find((s) => s.name === statusName)!.id;
  const created = await h.db.transaction((tx) =>
    createTicket(tx, { organizationId: h.owner.orgID, projectId: h.project.id, statusId, title, type, creatorId: h.owner.userID, parentId }, { trigger: false }),
  );
  // The owner's client checks what it has synced before the server decides: let it see the ticket.
  const view = h.owner.zero.materialize(queries.boardTickets({ orgID: h.owner.orgID, projectID: h.project.id }));
  try {
    await waitForData(view, (rows) => rows.some((row) => row.id === created.id));
  } finally {
    view.destroy();
  }
  return created.id;
}

/** Waits until the owner's client has the Epic's run (the panel's query), so its checks see what the server sees. */
export async function clientSeesRun(h: EpicHarness, epicId: string, status?: string): Promise<void> {
  // Kept open (as the panel keeps it) until the client closes, so the rows stay synced.
  let view = runViews.get(epicId);
  if (!view) {
    view = openRunView(h, epicId);
    runViews.set(epicId, view);
  }
  await waitForData(view, (run) => !!run && (status === undefined || run.status === status));
}

const runViews = new Map<string, ReturnType<typeof openRunView>>();
const openRunView = (h: EpicHarness, epicId: string) => h.owner.zero.materialize(queries.epics.run({ orgID: h.owner.orgID, epicTicketID: epicId }));

export async function addBlock(h: EpicBoard, blockerId: string, blockedId: string): Promise<void> {
  await sql(url(), 'INSERT INTO ticket_block (blocker_id, blocked_id, organization_id) VALUES ($1, $2, $3)', [blockerId, blockedId, h.owner.orgID]);
}

/** The jobs of the Epic's run in `status`. */
export async function epicJobs(epicId: string, status: string): Promise<EpicJob[]> {
  return sql<EpicJob>(
    url(),
    `SELECT j.id, j.ticket_id AS "ticketId", s.snapshot->'epic'->>'role' AS role, j.status FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id
     WHERE s.snapshot->'epic'->>'epicTicketId' = $1 AND j.status = $2 ORDER BY j.created_at`,
    [epicId, status],
  );
}

/** Waits until exactly the jobs of `ticketIds` (null: the reset) of the Epic's run wait Ready, none else. */
export async function readyFor(epicId: string, ticketIds: (string | null)[], timeoutMs = 20_000): Promise<EpicJob[]> {
  const want = [...ticketIds].map(String).sort();
  let seen: EpicJob[] = [];
  try {
    return await poll(
      `Ready jobs for ${want.join(', ')}`,
      async () => {
        seen = await epicJobs(epicId, 'ready');
        return JSON.stringify(seen.map((j) => String(j.ticketId)).sort()) === JSON.stringify(want) && seen;
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; Ready: ${seen.map((j) => j.ticketId).join(', ')}`);
  }
}

/** A heartbeat naming the jobs the runner holds, as the supervisor sends (a silent runner turns Offline after 90 s). */
export async function heartbeat(h: EpicHarness): Promise<void> {
  const held = await sql<{ id: string }>(url(), "SELECT id FROM job WHERE runner_id = $1 AND status NOT IN ('completed', 'failed', 'error')", [h.runnerId]);
  const res = await h.api.post('heartbeat', { runnerId: h.runnerId, activeJobIds: held.map((j) => j.id) });
  ok('heartbeat', res);
}

/** Claims the job and reports it through to `outcome`, as the supervisor would. */
export async function runJob(h: EpicHarness, jobId: string, outcome: 'completed' | 'failed', options: { reason?: string; result?: Record<string, unknown>; costly?: boolean } = {}) {
  await heartbeat(h);
  const claimed = await h.api.post('jobs/claim', { runnerId: h.runnerId, jobId });
  ok(`claiming ${jobId}`, claimed);
  for (const status of ['preparing', 'executing', 'running']) ok(`${jobId} ${status}`, await h.api.post(`jobs/${jobId}/status`, { runnerId: h.runnerId, status }));
  if (options.costly) {
    // Sonnet 4.6 at list prices: $1.0605 (lib/analytics/rollups.pg.test.ts).
    const usage = { stage: 'work', model: 'claude-sonnet-4-6', inputTokens: 1000, outputTokens: 500, cacheReadTokens: 1_000_000, cacheWriteTokens: 200_000 };
    ok(`${jobId} usage`, await h.api.post(`jobs/${jobId}/events`, { runnerId: h.runnerId, events: [{ seq: 1, type: 'usage', payload: usage, at: Date.now() }] }));
  }
  const final = await h.api.post(`jobs/${jobId}/status`, { runnerId: h.runnerId, status: outcome, reason: options.reason, result: options.result });
  ok(`${jobId} ${outcome}`, final);
}

export type RunRow = { id: string; status: string; status_reason: string | null; budget_usd: number | null; cost_usd: number; pull_requests: unknown[]; branch: string };

export async function runOf(epicId: string): Promise<RunRow | undefined> {
  const [run] = await sql<RunRow>(url(), 'SELECT id, status, status_reason, budget_usd, cost_usd, pull_requests, branch FROM epic_run WHERE epic_ticket_id = $1', [epicId]);
  return run;
}

export function runIn(epicId: string, status: string): Promise<RunRow> {
  return poll(`the epic run ${status}`, async () => {
    const run = await runOf(epicId);
    return run?.status === status && run;
  }, 20_000, 100);
}

export async function nodesOf(runId: string): Promise<Record<string, { status: string; wave: number; skip_reason: string | null }>> {
  const rows = await sql<{ ticket_id: string; status: string; wave: number; skip_reason: string | null }>(url(), 'SELECT ticket_id, status, wave, skip_reason FROM epic_run_node WHERE run_id = $1', [runId]);
  return Object.fromEntries(rows.map((r) => [r.ticket_id, { status: r.status, wave: r.wave, skip_reason: r.skip_reason }]));
}

/** How many jobs each ticket of the Epic got (of any kind: an ordinary job would count too). */
export async function jobsPerTicket(ticketIds: string[]): Promise<Record<string, number>> {
  const rows = await sql<{ ticket_id: string; n: number }>(
    url(),
    'SELECT ticket_id, count(*)::int AS n FROM job WHERE ticket_id = ANY($1) GROUP BY ticket_id',
    [ticketIds],
  );
  return Object.fromEntries(rows.map((r) => [r.ticket_id, r.n]));
}

export async function ticketStatus(ticketId: string): Promise<string> {
  const [row] = await sql<{ name: string }>(url(), 'SELECT s.name FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1', [ticketId]);
  return row!.name;
}

/** Steers a run as the owner would from the panel; the server's verdict (null when it committed). */
export function steer(h: EpicBoard, mutation: Parameters<Member['zero']['mutate']>[0]) {
  return serverVerdict(h.owner.zero.mutate(mutation));
}

/** Steers the Epic's run once the owner's client has it. */
export async function steerRun(h: EpicHarness, epicId: string, mutation: Parameters<Member['zero']['mutate']>[0]) {
  await clientSeesRun(h, epicId);
  return steer(h, mutation);
}
