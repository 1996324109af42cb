// The board tools as the agent uses them: the MCP script (the file that is mounted into the
// container) speaking JSON-RPC over stdio, through the supervisor's local endpoint, to the
// platform's board routes, for a job the supervisor claimed.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { nanoid } from 'nanoid';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../lib/jobs/create.ts';
import { addComment } from '../lib/tickets/comment.ts';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy.ts';
import { createBoardWithTicket, type BoardFixture } from './support/board.ts';
import { sql } from './support/db.ts';
import { newRunnerOrg, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { poll } from './support/poll.ts';
import { testStack } from './support/stack-env.ts';
import { loadSupervisorConfig } from '../supervisor/config.ts';
import { startSupervisor, type Supervisor } from '../supervisor/main.ts';
import type { JobContext } from '../supervisor/runner/job-context.ts';
import { boardToolsContainerUrl } from '../supervisor/egress/relay.ts';
import { boardToolsMcpConfig, takeAskedQuestion } from '../supervisor/mcp/board-tools-server.ts';

let org: RunnerOrg;
let supervisor: Supervisor;
let jobsDir: string;
let board: BoardFixture;
let running: { ctx: JobContext; finish: () => void } | undefined;
/** Between the supervisor and the platform, to count the board reads that reach the platform. */
let platform: CountingProxy;

type Rpc = { call(method: string, params?: unknown): Promise<any>; close(): void };

/** Starts the MCP script as the CLI would: `command args` with the entry's env, on the host (so the endpoint's host URL instead of the relay's). */
function startMcp(jobId: string): Rpc {
  const entry = boardToolsMcpConfig(jobId);
  const env = { ...process.env, ...entry.server.env, SPEDY_TOOLS_URL: supervisor.boardTools.url };
  const child: ChildProcessWithoutNullStreams = spawn(entry.server.command, [entry.bind.host], { env });
  const waiting = new Map<number, (message: any) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    waiting.get(message.id)?.(message);
  });
  let id = 0;
  return {
    call(method, params) {
      const current = ++id;
      return new Promise((resolve) => {
        waiting.set(current, resolve);
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: current, method, params })}\n`);
      });
    },
    close: () => child.kill(),
  };
}

const text = (answer: any): string => answer.result.content[0].text;

beforeAll(async () => {
  org = await newRunnerOrg('Board Tools Owner');
  board = await createBoardWithTicket(testStack().databaseUrl, { orgId: org.account.orgID, creatorId: org.account.userID });
  jobsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-jobs-'));
  platform = await startCountingProxy(testStack().appUrl);
  const config = loadSupervisorConfig({
    SPEDY_API_URL: `${platform.url}/api/v1`,
    SPEDY_RUNNER_TOKEN: org.token,
    SPEDY_RUNNER_NAME: 'board-tools-runner',
    SPEDY_JOBS_DIR: jobsDir,
  });
  supervisor = await startSupervisor(config, {
    log: pino({ level: 'silent' }),
    // The job stays running until the test says so, so its tools stay open.
    runJob: (ctx) =>
      new Promise<void>((resolve) => {
        running = {
          ctx,
          finish: () => void ctx.reportStatus('preparing').then(() => ctx.reportStatus('failed', { reason: 'test over' })).then(resolve),
        };
      }),
  });
  await org.db.transaction((tx) =>
    createJob(tx, {
      organizationId: org.account.orgID,
      type: 'board_interaction',
      title: '@team on SPD-1',
      snapshot: sampleSnapshot(),
      ticketId: board.ticketId,
      projectId: board.projectId,
      createdBy: org.account.userID,
    }),
  );
  await poll('the supervisor to claim the job', async () => running, 15_000, 100);
});

afterAll(async () => {
  running?.finish();
  await supervisor?.stop('test done');
  await org?.closeDb();
  await platform?.close();
  if (jobsDir) await fs.rm(jobsDir, { recursive: true, force: true });
});

describe('board tools over MCP', () => {
  it('gives the runner a --mcp-config entry that never carries the runner token', () => {
    const entry = boardToolsMcpConfig(running!.ctx.job.id);
    expect(entry).toMatchObject({
      name: 'spedy',
      server: { command: 'node', args: ['/spedy/board-tools.mjs'], env: { SPEDY_TOOLS_URL: boardToolsContainerUrl } },
      bind: { host: path.join(jobsDir, '.board-tools', 'board-tools.mjs'), container: '/spedy/board-tools.mjs', readOnly: true },
    });
    expect(entry.allowedTools).toEqual(['mcp__spedy__get_ticket', 'mcp__spedy__add_comment', 'mcp__spedy__update_status', 'mcp__spedy__create_subticket', 'mcp__spedy__knowledge_recall', 'mcp__spedy__ask_user']);
    expect(entry.server.env.SPEDY_TOOLS_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry)).not.toContain(org.token);
  });

  it('lists the tools and reads, comments, moves and asks through the MCP script', async () => {
    const jobId = running!.ctx.job.id;
    const mcp = startMcp(jobId);
    try {
      const init = await mcp.call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
      expect(init.result).toMatchObject({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'spedy-board-tools' } });
      const list = await mcp.call('tools/list');
      expect(list.result.tools.map((t: { name: string }) => t.name)).toEqual(['get_ticket', 'add_comment', 'update_status', 'create_subticket', 'knowledge_recall', 'ask_user']);
      expect(list.result.tools[1].inputSchema).toMatchObject({ type: 'object', required: ['body'] });

      const ticket = text(await mcp.call('tools/call', { name: 'get_ticket', arguments: {} }));
      expect(ticket).toContain('# SPD-1 Fix the login flow');
      expect(ticket).toContain('Users cannot log in with a + in their e-mail address.');
      expect(ticket).toContain('"Backlog", "Todo", "AI Processing", "In Review", "Done"');

      expect(text(await mcp.call('tools/call', { name: 'add_comment', arguments: { body: 'Found it: the parser drops the +.' } }))).toBe('Comment posted on the ticket.');
      // The cached ticket was cleared by the comment: the next read shows it.
      expect(text(await mcp.call('tools/call', { name: 'get_ticket', arguments: {} }))).toContain('Found it: the parser drops the +.');

      const wrong = await mcp.call('tools/call', { name: 'update_status', arguments: { status: 'Shipped' } });
      expect(wrong.result.isError).toBe(true);
      expect(text(wrong)).toContain('This project has no status "Shipped"');
      expect(text(await mcp.call('tools/call', { name: 'update_status', arguments: { status: 'In Review' } }))).toBe('The ticket is now in "In Review".');

      const invalid = await mcp.call('tools/call', { name: 'add_comment', arguments: {} });
      expect(invalid.result.isError).toBe(true);

      // What a reviewer taught on an earlier pull request of the organization (lib/knowledge/learn.ts writes these).
      await sql(
        testStack().databaseUrl,
        `INSERT INTO knowledge_entry (id, organization_id, project_id, ticket_id, file_path, line, diff_context, comment, reviewer, review_id, pull_request_url, confidence, evergreen, evergreen_set_by, created_at, updated_at)
         VALUES ($1, $2, NULL, NULL, 'src/email.ts', NULL, '', 'Never strip the + from e-mail addresses; it is part of the local part.', 'octo', 'review-1', 'https://github.com/acme/shop/pull/1', 0.5, true, NULL, $3, $3)`,
        [`k-${jobId}`, org.account.orgID, Date.now()],
      );
      const recalled = text(await mcp.call('tools/call', { name: 'knowledge_recall', arguments: { query: 'e-mail address plus sign', path: 'src/email.ts' } }));
      expect(recalled).toContain('src/email.ts (convention, confidence 0.50, from octo)');
      expect(recalled).toContain('Never strip the + from e-mail addresses');
      const uses = await sql(testStack().databaseUrl, "SELECT entry_id FROM knowledge_use WHERE job_id = $1 AND kind = 'recalled'", [jobId]);
      expect(uses.map((use) => use.entry_id)).toEqual([`k-${jobId}`]);

      expect(text(await mcp.call('tools/call', { name: 'ask_user', arguments: { question: 'Should + addresses be allowed?' } }))).toMatch(/End your turn/);
      expect(takeAskedQuestion(jobId)).toBe('Should + addresses be allowed?');
      expect(takeAskedQuestion(jobId)).toBeNull();
    } finally {
      mcp.close();
    }
    const [status] = await sql(testStack().databaseUrl, 'SELECT s.name FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1', [board.ticketId]);
    expect(status.name).toBe('In Review');
  });

  it("serves get_ticket from its cache until a person comments or edits the ticket, then reads the change", async () => {
    const jobId = running!.ctx.job.id;
    const ticketReads = () => platform.count(`/api/v1/runners/jobs/${jobId}/board/ticket`);
    const getTicket = async () => text(await mcp.call('tools/call', { name: 'get_ticket', arguments: {} }));
    const mcp = startMcp(jobId);
    try {
      await mcp.call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
      const first = await getTicket();
      const reads = ticketReads();
      expect(reads).toBeGreaterThan(0);
      expect(await getTicket()).toBe(first);
      expect(ticketReads()).toBe(reads);

      // A person comments (the domain function the board's server mutator and routes share).
      const body = 'Please keep + addresses working for existing accounts.';
      await org.db.transaction((tx) =>
        addComment(tx, { organizationId: org.account.orgID, ticketId: board.ticketId, authorId: org.account.userID, body }, { trigger: false }),
      );
      // The cache lives 5 minutes: only the platform's notice makes the comment show up sooner.
      await poll('the comment in get_ticket', async () => (await getTicket()).includes(body), 10_000, 50);
      expect(ticketReads()).toBe(reads + 1);

      // Any write reaches the runner, however it was made (here plain SQL, as a script would).
      await sql(testStack().databaseUrl, 'UPDATE ticket_description SET body = $2 WHERE ticket_id = $1', [board.ticketId, 'Plus signs are valid in e-mail addresses.']);
      await poll('the new description in get_ticket', async () => (await getTicket()).includes('Plus signs are valid in e-mail addresses.'), 10_000, 50);
    } finally {
      mcp.close();
    }
  });

  it('refuses callers without the job secret', async () => {
    const refused = await fetch(`${supervisor.boardTools.url}/tools`, { headers: { authorization: `Bearer ${nanoid(64)}` } });
    expect(refused.status).toBe(401);
    const bare = await fetch(`${supervisor.boardTools.url}/tools/get_ticket`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
  });
});
