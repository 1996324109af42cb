// Talking to the runner API as a supervisor would: HTTP and the runner socket, each from a
// loopback address of its own (127.x.y.z), so the per-address limit on failed
// authentications of one test never refuses another's requests.
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { nanoid } from 'nanoid';
import WebSocket from 'ws';
import { connectDb, type Db } from '../../lib/db/client.ts';
import { createJob, type CreateJobInput } from '../../lib/jobs/create.ts';
import { defaultTimeLimits, runnerSocketUrl, type JobSnapshot, type ServerMessage } from '@spedy/protocol/wire';
import { issueRunnerToken } from '../../lib/runners/tokens.ts';
import { signUp, type TestAccount } from './accounts.ts';
import { testStack } from './stack-env.ts';
import { runnerTokenHashKey } from '../../lib/secrets/keyring.ts';

export function loopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** The app's URL on 127.0.0.1 (a client bound to a 127.x address cannot reach ::1). */
function ipv4Url(appUrl: string): URL {
  const url = new URL(appUrl);
  url.hostname = '127.0.0.1';
  return url;
}

export type ApiResponse = { status: number; body: any; headers: http.IncomingHttpHeaders };

export type RunnerApi = {
  address: string;
  request(method: string, path: string, options?: { token?: string | null; body?: unknown; rawBody?: string }): Promise<ApiResponse>;
  get(path: string, token?: string | null): Promise<ApiResponse>;
  post(path: string, body: unknown, token?: string | null): Promise<ApiResponse>;
};

/** An HTTP client for `/api/v1/runners/*`, with `token` as the default bearer token. */
export function runnerApi(appUrl: string, token: string | null, address = loopbackAddress()): RunnerApi {
  const base = ipv4Url(appUrl);
  const request: RunnerApi['request'] = (method, path, options = {}) =>
    new Promise((resolve, reject) => {
      const bearer = options.token === undefined ? token : options.token;
      const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const req = http.request(
        new URL(`/api/v1/runners/${path}`, base),
        {
          method,
          localAddress: address,
          headers: {
            ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {}
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    address,
    request,
    get: (path, t) => request('GET', path, { token: t }),
    post: (path, body, t) => request('POST', path, { token: t, body }),
  };
}

/** A runner's socket with an inbox: `next(type)` waits for the next message of that type. */
export type RunnerSocket = {
  ws: WebSocket;
  messages: ServerMessage[];
  send(message: unknown): void;
  next<T extends ServerMessage['type']>(type: T, match?: (m: Extract<ServerMessage, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  /** The answer to a request (`claimed`, `status-ok` or `error` with this requestId). */
  answer(requestId: string, timeoutMs?: number): Promise<ServerMessage>;
  close(): Promise<void>;
};

export function openRunnerSocket(appUrl: string, runnerId: string, token: string, address = loopbackAddress()): Promise<RunnerSocket> {
  const ws = new WebSocket(runnerSocketUrl(ipv4Url(appUrl).toString(), runnerId), { headers: { authorization: `Bearer ${token}` }, localAddress: address });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerMessage);
    for (const w of [...waiters]) w();
  });
  /** Takes the first message (seen or still to come) that matches out of the inbox. */
  const waitFor = <M extends ServerMessage>(match: (m: ServerMessage) => m is M, what: string, timeoutMs: number) => {
    let seen = 0;
    return new Promise<M>((resolve, reject) => {
      const check = () => {
        for (; seen < messages.length; seen++) {
          const m = messages[seen];
          if (match(m)) {
            messages.splice(seen, 1);
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  };
  const socket: RunnerSocket = {
    ws,
    messages,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(type, match = () => true, timeoutMs = 10_000) {
      type M = Extract<ServerMessage, { type: typeof type }>;
      return waitFor((m): m is M => m.type === type && match(m as M), `a ${type} message`, timeoutMs);
    },
    answer(requestId, timeoutMs = 10_000) {
      return waitFor((m): m is ServerMessage => 'requestId' in m && m.requestId === requestId, `the answer to ${requestId}`, timeoutMs);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`socket refused with ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

export type RunnerOrg = { account: TestAccount; db: Db; closeDb: () => Promise<void>; token: string; tokenId: string; api: RunnerApi };

/** A fresh organization (its owner signed up for real) with one unscoped runner token. */
export async function newRunnerOrg(name: string): Promise<RunnerOrg> {
  const stack = testStack();
  const account = await signUp(stack.appUrl, stack.databaseUrl, name);
  const { db, close } = connectDb(stack.databaseUrl);
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: account.orgID, name: `${name} token`, createdBy: account.userID });
  return { account, db, closeDb: close, token: issued.token, tokenId: issued.id, api: runnerApi(stack.appUrl, issued.token) };
}

export async function registerRunner(
  api: RunnerApi,
  input: { name?: string; capabilities?: string[]; labels?: string[]; poolSize?: number } = {},
): Promise<string> {
  const res = await api.post('register', {
    name: input.name ?? `runner-${nanoid(6)}`,
    version: '1.0.0',
    capabilities: input.capabilities ?? ['claude_code'],
    labels: input.labels ?? [],
    poolSize: input.poolSize ?? 4,
  });
  if (res.status !== 200) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.runnerId as string;
}

export function sampleSnapshot(): JobSnapshot {
  return {
    trigger: { kind: 'manual' },
    ticket: null,
    team: null,
    allowedHosts: [],
    instructions: 'Fix the login flow.',
    pipeline: {
      steps: [
        {
          stages: [
            {
              id: 'code',
              type: 'coding',
              name: 'Code',
              systemPrompt: 'You write code.',
              allowedTools: ['Read', 'Edit'],
              model: 'claude-sonnet-4-6',
              role: 'executor',
              requireApproval: false,
              validationCommands: [],
              maxRetries: 0,
              skills: [],
              mcpServers: [],
            },
          ],
        },
      ],
    },
    budget: { maxCostUsd: null, maxTurns: null, warningThresholdPercent: 80, maxInputTokens: null, maxOutputTokens: null, ...defaultTimeLimits },
    repositories: [],
  };
}

/** Creates Ready jobs in one transaction, as a trigger would (their offers go out on commit). */
export async function createReadyJobs(
  db: Db,
  organizationId: string,
  count = 1,
  input: Partial<Pick<CreateJobInput, 'requiredCapabilities' | 'requiredLabels' | 'type'>> = {},
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const job = await createJob(tx, { organizationId, type: input.type ?? 'batch', title: `Job ${i + 1}`, snapshot: sampleSnapshot(), ...input });
      ids.push(job.id);
    }
    return ids;
  });
}
