import { timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveWithHttpBackend } from './http-backend.ts';
import { createBareRepository, listBranches, readBranchFile, type NewRepository } from './repositories.ts';

// A git smart-HTTP remote on loopback: `http://127.0.0.1:<port>/<owner>/<name>.git`
// (the `.git` is optional, as on GitHub), served by `git http-backend`.

export interface GitRemoteOptions {
  /** Folder for the bare repositories; a temporary one (removed on stop) when absent. */
  root?: string;
  /** When set, every request needs HTTP Basic auth with this as the password (any user, e.g. x-access-token). */
  token?: string;
  port?: number;
}

export interface GitRemoteRequest {
  method: string;
  path: string;
  /** The Basic-auth user, `anonymous` without a token, undefined when refused. */
  user: string | undefined;
  gzip: boolean;
  /** The git service asked for: `git-upload-pack` (fetch, clone) or `git-receive-pack` (push). */
  service: string | null;
  /** Held without an answer (holdRequests). */
  held?: boolean;
}

export interface GitRemote {
  url: string;
  port: number;
  root: string;
  createRepository(fullName: string, options?: NewRepository): Promise<{ cloneUrl: string }>;
  branches(fullName: string): Promise<string[]>;
  readFile(fullName: string, branch: string, path: string): Promise<string | undefined>;
  requests(): GitRemoteRequest[];
  /**
   * From now on, requests that `match` are held open without an answer (a remote that hangs),
   * until the client gives up or the remote stops. For tests of what a slow remote does to a job.
   */
  holdRequests(match: (request: { path: string; service: string | null }) => boolean): void;
  stop(): Promise<void>;
}

// GitHub-style HTTPS tokens: `Authorization: Basic base64(x-access-token:<token>)`.
function basicUser(req: IncomingMessage, token: string): string | undefined {
  const match = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const password = Buffer.from(decoded.slice(colon + 1));
  const expected = Buffer.from(token);
  const matches = password.length === expected.length && timingSafeEqual(password, expected);
  return matches ? decoded.slice(0, colon) || 'token' : undefined;
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(`${message}\n`);
}

export async function startGitRemote(options: GitRemoteOptions = {}): Promise<GitRemote> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'spedy-git-remote-')));
  const ownsRoot = options.root === undefined;
  const log: GitRemoteRequest[] = [];
  const holds: ((request: { path: string; service: string | null }) => boolean)[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service = url.searchParams.get('service') ?? /\/(git-(?:upload|receive)-pack)$/.exec(url.pathname)?.[1] ?? null;
    const entry: GitRemoteRequest = { method: req.method ?? 'GET', path: url.pathname, user: undefined, gzip: req.headers['content-encoding'] === 'gzip', service };
    log.push(entry);
    const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/.*)$/.exec(url.pathname);
    if (!match || match[1] === '..' || match[2] === '..') return refuse(res, 404, 'Repository not found');
    let remoteUser = 'anonymous';
    if (options.token !== undefined) {
      const user = basicUser(req, options.token);
      if (user === undefined) return refuse(res, 401, 'Authentication required', { 'www-authenticate': 'Basic realm="Spedy test git remote"' });
      remoteUser = user;
    }
    entry.user = remoteUser;
    if (holds.some((match) => match({ path: url.pathname, service }))) {
      entry.held = true;
      return;
    }
    serveWithHttpBackend(req, res, { projectRoot: root, pathInfo: `/${match[1]}/${match[2]}.git${match[3]}`, query: url.search.slice(1), remoteUser });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('git remote: no TCP address after listen');
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    port: address.port,
    root,
    async createRepository(fullName, repository = {}) {
      await createBareRepository(root, fullName, repository);
      return { cloneUrl: `${url}/${fullName}.git` };
    },
    branches: (fullName) => listBranches(root, fullName),
    readFile: (fullName, branch, path) => readBranchFile(root, fullName, branch, path),
    requests: () => structuredClone(log),
    holdRequests(match) {
      holds.push(match);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
}
