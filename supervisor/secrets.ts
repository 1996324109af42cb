// The runner's secrets: the platform's bootstrap bundle (vault entries and git tokens),
// fetched at start and every 15 minutes, held in memory only (never written to disk, never
// logged), with local overrides applied: a value in the supervisor's own environment wins
// over the platform's ("How values travel to the runner" in the spec) for the names
// SPEDY_SECRET_OVERRIDES lists (config.ts filters the local values). Git tokens are kept
// apart from the vault entries: they serve the supervisor's own git and never reach a
// container (agent/claude-command.ts). A job's MCP
// credentials are fetched for that job when a stage needs them, through the job's secret
// set (runner/job-secrets.ts), which masks them from then on.
import type { BootstrapResponse, JobGitAccess, McpServerCredentials } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';

export const bootstrapRefreshMs = 15 * 60_000;

/** Which environment variable overrides a git integration's token. */
const gitTokenEnv = { github: 'GITHUB_TOKEN', bitbucket: 'BITBUCKET_TOKEN' } as const;

/** Names of git credentials: the supervisor's, never an agent's (a platform before this change still sends them in `env`). */
export function isGitCredentialName(name: string): boolean {
  return name === 'GITHUB_TOKEN' || name === 'GH_TOKEN' || name.startsWith('BITBUCKET_');
}

export type RunnerSecrets = {
  /** Environment variables for job containers: the vault entries, local overrides applied (no git credentials). */
  env: Record<string, string>;
  git: BootstrapResponse['git'];
  /** When the platform's bundle was fetched (0: not yet). */
  fetchedAt: number;
};

export type SecretStore = {
  current(): RunnerSecrets;
  /** Fetches the bundle now; keeps the previous one if the platform cannot be reached. */
  refresh(): Promise<void>;
  /** Fetches once (failing if that fails) and then every `intervalMs`. */
  start(): Promise<void>;
  stop(): void;
  /** The decrypted credentials of the MCP servers the job's stages use (fetched each time, never stored). */
  mcpCredentials(jobId: string): Promise<McpServerCredentials[]>;
  /** The job's git access, fresh from the platform each time (never stored), local overrides applied. */
  gitAccess(jobId: string): Promise<JobGitAccess>;
};

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

/** `localEnv` holds only the names the operator lets override (config.ts); each wins over the platform's value. */
export function mergeLocalOverrides(bundle: BootstrapResponse | null, localEnv: Readonly<Record<string, string>>): RunnerSecrets {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...bundle?.env, ...localEnv })) {
    if (value !== '' && !isGitCredentialName(name)) env[name] = value;
  }
  return { env, git: withLocalGitTokens(bundle?.git ?? [], localEnv), fetchedAt: bundle?.fetchedAt ?? 0 };
}

/** A local GITHUB_TOKEN or BITBUCKET_TOKEN wins over the platform's token for that host. */
function withLocalGitTokens(git: BootstrapResponse['git'], localEnv: Readonly<Record<string, string>>): BootstrapResponse['git'] {
  return git.map((g) => {
    const local = localEnv[gitTokenEnv[g.provider]];
    return local ? { ...g, token: local } : g;
  });
}

export function createSecretStore(deps: {
  fetchBundle: () => Promise<BootstrapResponse>;
  /** The platform's per-job MCP credentials; without it jobs get none. */
  fetchMcpCredentials?: (jobId: string) => Promise<McpServerCredentials[]>;
  /** The platform's per-job git access; without it a job gets the bundle's git entries and no refusals. */
  fetchGitAccess?: (jobId: string) => Promise<JobGitAccess>;
  localEnv: Readonly<Record<string, string>>;
  log: Log;
  intervalMs?: number;
}): SecretStore {
  let secrets = mergeLocalOverrides(null, deps.localEnv);
  let timer: NodeJS.Timeout | undefined;

  async function load(): Promise<void> {
    const bundle = await deps.fetchBundle();
    secrets = mergeLocalOverrides(bundle, deps.localEnv);
    // Names only: the values never reach a log.
    deps.log.info({ names: Object.keys(secrets.env).sort(), git: secrets.git.map((g) => g.provider) }, 'secrets loaded from the platform');
  }

  const store: SecretStore = {
    current: () => secrets,
    async refresh() {
      try {
        await load();
      } catch (error) {
        deps.log.warn({ err: toError(error).message }, 'could not refresh secrets; keeping the previous ones');
      }
    },
    async start() {
      await load();
      timer = setInterval(() => void store.refresh(), deps.intervalMs ?? bootstrapRefreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    async mcpCredentials(jobId) {
      return deps.fetchMcpCredentials ? deps.fetchMcpCredentials(jobId) : [];
    },
    async gitAccess(jobId) {
      if (!deps.fetchGitAccess) return { git: secrets.git, refused: [] };
      const access = await deps.fetchGitAccess(jobId);
      return { ...access, git: withLocalGitTokens(access.git, deps.localEnv) };
    },
  };
  return store;
}
