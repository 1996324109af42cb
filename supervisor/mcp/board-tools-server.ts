// The supervisor's local endpoint for the board tools: the MCP script inside a job's
// container calls it with that job's random secret through the job's tools socket (the relay
// in the container makes it 127.0.0.1:<port>, supervisor/egress/), and the
// supervisor forwards to the platform with its runner token, which the container never
// sees. It also keeps the ticket context cache (5 minutes, cleared by the job's own writes and
// by the platform's `ticket-changed` message when a person edits the ticket or comments) and
// the questions asked with ask_user until the runner takes them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardTicket } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import { ApiError } from '../api/retry.ts';
import type { BindMount } from '../container/stage-container.ts';
import { boardToolsContainerUrl } from '../egress/relay.ts';
import { maskDeep } from '../runner/mask.ts';
import { boardTools, boardToolsAllowList, boardToolsServerName, listBoardTools, type BoardApi } from './tools.ts';

/** Where the script is mounted inside a job's container. */
export const boardToolsContainerPath = '/spedy/board-tools.mjs';
const scriptSource = fileURLToPath(new URL('./board-tools.mjs', import.meta.url));
export const ticketCacheMs = 5 * 60_000;
const maxBodyBytes = 1024 * 1024;

/** The `--mcp-config` entry of one job's board tools, and the mount its command needs. */
export type BoardToolsMcp = {
  /** The key under `mcpServers`; tools are then named `mcp__spedy__<tool>`. */
  name: typeof boardToolsServerName;
  server: { command: 'node'; args: [typeof boardToolsContainerPath]; env: { SPEDY_TOOLS_URL: string; SPEDY_TOOLS_SECRET: string } };
  bind: BindMount;
  /** For the stage's --allowedTools (MCP tools are not allowed by default). */
  allowedTools: string[];
};

export type BoardToolsServer = {
  /** The endpoint on the host's 127.0.0.1 (the supervisor's own and tests'); containers reach `listener` through their job's socket. */
  url: string;
  /** The endpoint's request listener, served on each job's tools socket as well. */
  listener: http.RequestListener;
  /**
   * Gives the job a fresh secret; its tools work until `closeJob`. With `mask` (the job's
   * secret set), what the agent writes to the board (comments, subtickets) is masked first.
   */
  openJob(jobId: string, mask?: (text: string) => string): void;
  closeJob(jobId: string): void;
  mcpConfig(jobId: string): BoardToolsMcp;
  /** The question the agent asked with ask_user since the last call, if any. */
  takeQuestion(jobId: string): string | null;
  /** Every job's tools secret, for the masker. */
  secretOf(jobId: string): string | undefined;
  /** The knowledge entries for a stage's context before it starts (the platform records them as pre-loaded). */
  preloadKnowledge: BoardApi['preloadKnowledge'];
  close(): Promise<void>;
};

/** The server as the supervisor holds it (the runner sees only BoardToolsServer). */
export type BoardToolsEndpoint = BoardToolsServer & {
  /** The platform said the job's ticket changed: the next get_ticket asks it again. No job: every job's (the notices missed while the socket was away). */
  dropTicketContext(jobId?: string): void;
};

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
type JobTools = { jobId: string; secret: string; digest: Buffer; cache?: { ticket: BoardTicket; at: number }; questions: string[]; mask?: (text: string) => string };

let active: BoardToolsServer | null = null;

/** For the runner (supervisor/runner/**): this job's board tools entry for `--mcp-config`. */
export function boardToolsMcpConfig(jobId: string): BoardToolsMcp {
  if (!active) throw new Error('The board tools server is not running; the supervisor starts it before taking jobs.');
  return active.mcpConfig(jobId);
}

/** For the runner: the question asked with ask_user during the stage that just ended, if any (then: Waiting for Input). */
export function takeAskedQuestion(jobId: string): string | null {
  return active?.takeQuestion(jobId) ?? null;
}

export async function startBoardToolsServer(deps: { api: BoardApi; jobsDir: string; port?: number; log: Log }): Promise<BoardToolsEndpoint> {
  // The script lives beside the jobs so a supervisor running in a container can mount it
  // by the same host path as the job folders.
  const scriptDir = path.join(deps.jobsDir, '.board-tools');
  const scriptHostPath = path.join(scriptDir, 'board-tools.mjs');
  await fs.mkdir(scriptDir, { recursive: true, mode: 0o755 });
  await fs.copyFile(scriptSource, scriptHostPath);
  await fs.chmod(scriptHostPath, 0o644);

  const jobs = new Map<string, JobTools>();
  const digestOf = (secret: string) => createHash('sha256').update(secret).digest();

  function authenticate(req: http.IncomingMessage): JobTools | null {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return null;
    const digest = digestOf(match[1]);
    for (const job of jobs.values()) if (timingSafeEqual(job.digest, digest)) return job;
    return null;
  }

  const cachedApi = (job: JobTools): BoardApi => ({
    async getTicket(jobId, displayId) {
      if (displayId) return deps.api.getTicket(jobId, displayId);
      if (job.cache && Date.now() - job.cache.at < ticketCacheMs) return job.cache.ticket;
      const ticket = await deps.api.getTicket(jobId);
      job.cache = { ticket, at: Date.now() };
      return ticket;
    },
    addComment: (jobId, body) => invalidating(job, deps.api.addComment(jobId, body)),
    setStatus: (jobId, status) => invalidating(job, deps.api.setStatus(jobId, status)),
    createSubticket: (jobId, input) => invalidating(job, deps.api.createSubticket(jobId, input)),
    preloadKnowledge: (jobId, input) => deps.api.preloadKnowledge(jobId, input),
    recallKnowledge: (jobId, input) => deps.api.recallKnowledge(jobId, input),
  });

  async function callTool(job: JobTools, name: string, body: unknown): Promise<{ text: string; isError: boolean }> {
    const definition = boardTools.find((t) => t.name === name);
    if (!definition) return { text: `There is no board tool named ${name}.`, isError: true };
    const args = definition.args.safeParse(body ?? {});
    if (!args.success) return { text: args.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '), isError: true };
    try {
      const ctx = { jobId: job.jobId, api: cachedApi(job), ask: (q: string) => job.questions.push(q) };
      // Each tool's arguments match its own schema; the union of run signatures needs the cast.
      const input = job.mask ? maskDeep(args.data, job.mask) : args.data;
      const text = await (definition.run as (a: unknown, c: typeof ctx) => Promise<string>)(input, ctx);
      return { text, isError: false };
    } catch (error) {
      // The platform's refusals are written for people (and agents); anything else is logged.
      if (error instanceof ApiError && error.refusal && error.status < 500) return { text: error.refusal, isError: true };
      deps.log.warn({ jobId: job.jobId, tool: name, err: toError(error).message }, 'board tool failed');
      return { text: 'The platform could not be reached; try again in a moment.', isError: true };
    }
  }

  const listener: http.RequestListener = (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const job = authenticate(req);
    if (!job) return reply(401, { error: 'Unknown or missing tools secret.' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/tools') return reply(200, { tools: listBoardTools() });
    const call = /^\/tools\/([a-z_]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !call) return reply(404, { error: 'Use GET /tools or POST /tools/<name>.' });
    readJson(req).then(
      async (body) => reply(200, await callTool(job, call[1], body)),
      (error: Error) => reply(400, { error: error.message }),
    );
  };
  const server = http.createServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The board tools endpoint has no TCP address.');
  const url = `http://127.0.0.1:${address.port}`;
  deps.log.info({ url }, 'board tools endpoint listening');

  const instance: BoardToolsEndpoint = {
    url,
    listener,
    openJob(jobId, mask) {
      const secret = randomBytes(32).toString('hex');
      jobs.set(jobId, { jobId, secret, digest: digestOf(secret), questions: [], mask });
    },
    closeJob(jobId) {
      jobs.delete(jobId);
    },
    mcpConfig(jobId) {
      const job = jobs.get(jobId);
      if (!job) throw new Error(`Job ${jobId} is not running on this supervisor; its board tools are closed.`);
      return {
        name: boardToolsServerName,
        server: { command: 'node', args: [boardToolsContainerPath], env: { SPEDY_TOOLS_URL: boardToolsContainerUrl, SPEDY_TOOLS_SECRET: job.secret } },
        bind: { host: scriptHostPath, container: boardToolsContainerPath, readOnly: true },
        allowedTools: [...boardToolsAllowList],
      };
    },
    dropTicketContext(jobId) {
      if (jobId === undefined) for (const job of jobs.values()) job.cache = undefined;
      else {
        const job = jobs.get(jobId);
        if (job) job.cache = undefined;
      }
    },
    takeQuestion(jobId) {
      const job = jobs.get(jobId);
      if (!job || job.questions.length === 0) return null;
      const question = job.questions.join('\n\n');
      job.questions = [];
      return question;
    },
    secretOf: (jobId) => jobs.get(jobId)?.secret,
    preloadKnowledge: (jobId, input) => deps.api.preloadKnowledge(jobId, input),
    async close() {
      if (active === instance) active = null;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  active = instance;
  return instance;
}

async function invalidating<T>(job: JobTools, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    job.cache = undefined;
  }
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('The tool arguments are larger than 1 MB.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error('The tool arguments are not valid JSON.'));
      }
    });
    req.on('error', reject);
  });
}
