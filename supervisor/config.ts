// The supervisor's configuration: parsed once from the environment, failing fast with the
// variable's name. Secret values (the runner token, local overrides) are never printed:
// problems name the variable and what was expected, not what was found.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseAllowedInternalHosts } from '@spedy/protocol/allowed-internal-hosts';
import { aiBackends, runnerTag, runnerTokenPattern } from '@spedy/protocol/wire';
import { BASE_IMAGE } from './image/base-image.ts';

/**
 * The names a value in the supervisor's own environment may override (the spec's migration:
 * keep ANTHROPIC_API_KEY / GITHUB_TOKEN / BITBUCKET_* in the local .env until the vault holds
 * them). Only these: a vault entry named like a host variable (AWS_SECRET_ACCESS_KEY) must
 * not pull the host's value into a container. `*` at the end of a name matches any rest.
 */
export const defaultSecretOverrides = 'ANTHROPIC_API_KEY,GITHUB_TOKEN,BITBUCKET_*';

/** Whether `name` is one of `patterns` (exact, or a prefix ending in `*`). */
export function matchesOverride(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

const tagList = (variable: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))])
    .pipe(z.array(runnerTag, { error: `${variable} is a comma-separated list of lowercase words such as claude_code or backend` }));

const schema = z.object({
  SPEDY_API_URL: z
    .url({ error: 'SPEDY_API_URL must be the platform API URL, e.g. http://localhost:3000/api/v1' })
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'SPEDY_API_URL must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, '')),
  SPEDY_RUNNER_TOKEN: z
    .string({ error: 'SPEDY_RUNNER_TOKEN is missing: create a runner token under Settings → Runners' })
    .trim()
    .regex(runnerTokenPattern, 'SPEDY_RUNNER_TOKEN is not a runner token (expected rnt_ followed by 64 hex characters)'),
  SPEDY_RUNNER_NAME: z.string().trim().min(1).max(100, 'SPEDY_RUNNER_NAME must be at most 100 characters').default(os.hostname()),
  SPEDY_POOL_SIZE: z.coerce.number().int().min(1, 'SPEDY_POOL_SIZE must be at least 1').max(64, 'SPEDY_POOL_SIZE must be at most 64').default(3),
  SPEDY_RUNNER_LABELS: tagList('SPEDY_RUNNER_LABELS', ''),
  SPEDY_RUNNER_CAPABILITIES: tagList('SPEDY_RUNNER_CAPABILITIES', 'claude_code'),
  SPEDY_JOBS_DIR: z.string().trim().min(1).default('./jobs').transform((p) => path.resolve(p)),
  DOCKER_HOST: z.string().trim().min(1).optional(),
  /** The scripted model server (test kit) for the demo and tests: the agent talks to it instead of Anthropic. */
  SPEDY_MODEL_BASE_URL: z.url({ error: 'SPEDY_MODEL_BASE_URL must be a URL such as http://127.0.0.1:4100' }).optional(),
  /** The port of the board tools endpoint on 127.0.0.1 (0: any free port). */
  SPEDY_TOOLS_PORT: z.coerce.number().int().min(0).max(65535, 'SPEDY_TOOLS_PORT must be a port number').default(0),
  /**
   * Where each job's unix sockets (model, egress, board tools) live, bind-mounted into its
   * containers: short, because a socket path has at most 107 bytes. A supervisor in a container
   * must mount it at the same path inside and out.
   */
  SPEDY_SOCKETS_DIR: z
    .string()
    .trim()
    .min(1)
    .default(path.join(os.tmpdir(), 'spedy-sockets'))
    .transform((p) => path.resolve(p))
    .refine((p) => Buffer.byteLength(p) <= 80, 'SPEDY_SOCKETS_DIR must be a short path (at most 80 bytes; unix socket paths are limited to 107), e.g. /tmp/spedy-sockets'),
  /** Per stage container; the defaults fit three jobs on a 2-core, 23 GB machine. */
  SPEDY_CONTAINER_MEMORY_MB: z.coerce.number().int().min(256, 'SPEDY_CONTAINER_MEMORY_MB must be at least 256').default(4096),
  SPEDY_CONTAINER_CPUS: z.coerce.number().min(0.1, 'SPEDY_CONTAINER_CPUS must be at least 0.1').max(256).default(1),
  SPEDY_CONTAINER_PIDS: z.coerce.number().int().min(32, 'SPEDY_CONTAINER_PIDS must be at least 32').default(512),
  /**
   * Hosts on loopback or private addresses the egress proxy may connect to when a team allows
   * them (same form and meaning as the platform's setting); link-local and metadata never.
   */
  SPEDY_ALLOWED_INTERNAL_HOSTS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseAllowedInternalHosts(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
  /**
   * Where the model credentials come from (setup.sh asks): `key`, the organization's
   * ANTHROPIC_API_KEY from the vault; `local`, a person's Claude Max/Pro login file.
   */
  SPEDY_AI_BACKEND: z.enum(aiBackends, { error: 'SPEDY_AI_BACKEND is key (the vault\'s ANTHROPIC_API_KEY) or local (a Claude Max/Pro login)' }).default('key'),
  /**
   * Local mode: the Claude login file (setup.sh mounts it at the same path inside the
   * container); unset, ~/.claude/.credentials.json (see loadSupervisorConfig).
   */
  SPEDY_CLAUDE_CREDENTIALS: z.string().trim().min(1).transform((p) => path.resolve(p)).optional(),
  /**
   * The runner image's base (the BASE of supervisor/image/runner.Dockerfile): spedy-base:bookworm,
   * a minimal Debian made on this host with debootstrap (setup.sh does it where no registry is
   * reachable), or a published Debian bookworm image such as debian:bookworm-slim.
   */
  SPEDY_RUNNER_BASE_IMAGE: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._/:@-]{0,254}$/, 'SPEDY_RUNNER_BASE_IMAGE must be an image reference such as debian:bookworm-slim')
    .default(BASE_IMAGE),
  /** Set by the supervisor's own image (bundle Dockerfile): a missing spedy-base is not made with debootstrap in there. */
  SPEDY_IN_CONTAINER: z.stringbool({ error: 'SPEDY_IN_CONTAINER is true or false' }).default(false),
  /** Tests only: the runner image is built as a variant that waits until this loopback URL answers. */
  SPEDY_RUNNER_IMAGE_HOLD_URL: z
    .url({ error: 'SPEDY_RUNNER_IMAGE_HOLD_URL must be a URL' })
    .refine((u) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname), 'SPEDY_RUNNER_IMAGE_HOLD_URL must be on loopback')
    .optional(),
  SPEDY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty`: readable lines; `json`: one JSON object a line. Unset: pretty on a terminal, JSON otherwise. */
  SPEDY_LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'SPEDY_LOG_FORMAT is json or pretty' }).optional(),
  /** The status listener's port (/healthz, /metrics); unset: no listener; 0: any free port. */
  SPEDY_STATUS_PORT: z.coerce.number().int().min(0).max(65535, 'SPEDY_STATUS_PORT must be a port number').optional(),
  /** Where the status listener listens: loopback unless the operator opens it (0.0.0.0 for a scraper on another host). */
  SPEDY_STATUS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Which of the platform's secrets a value in this process's environment may override (see defaultSecretOverrides). */
  SPEDY_SECRET_OVERRIDES: z
    .string()
    .default(defaultSecretOverrides)
    .transform((s) => [...new Set(s.split(',').map((name) => name.trim()).filter(Boolean))])
    .pipe(
      z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*\*?$/, 'SPEDY_SECRET_OVERRIDES is a comma-separated list of variable names such as ANTHROPIC_API_KEY or BITBUCKET_*')),
    ),
  /**
   * On SIGTERM or SIGINT the supervisor drains: it stops claiming, pauses its working jobs, hands
   * them back (Ready for any matching runner) and exits within this many seconds. Keep it below
   * the compose file's stop_grace_period (Docker kills the supervisor after that).
   */
  SPEDY_DRAIN_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5, 'SPEDY_DRAIN_TIMEOUT_SECONDS must be at least 5 (a stage container needs a few seconds to stop)')
    .max(3600, 'SPEDY_DRAIN_TIMEOUT_SECONDS must be at most 3600')
    .default(20),
  /** How long the masked event log of a finished job stays in its folder (the rest is removed when the job ends). */
  SPEDY_JOB_LOG_RETENTION_DAYS: z.coerce.number().min(0, 'SPEDY_JOB_LOG_RETENTION_DAYS must be 0 or more').max(3650).default(14),
});

/** Every variable the supervisor reads (the README and .env.example document each; config.test.ts checks). */
export const supervisorSettingNames = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

export type SupervisorConfig = z.infer<typeof schema> & {
  /** Non-empty local values of the names SPEDY_SECRET_OVERRIDES lists, which override the platform's secrets (see secrets.ts); never logged. */
  localEnv: Readonly<Record<string, string>>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadSupervisorConfig(env: Readonly<Record<string, string | undefined>> = process.env): SupervisorConfig {
  // An empty variable counts as unset, so `FOO=` in a .env file falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const variable = String(i.path[0] ?? 'environment');
      const message = i.message.replace(/\.$/, '');
      return message.includes(variable) ? message : `${variable}: ${message}`;
    });
    throw new ConfigError(`The supervisor's configuration is invalid: ${problems.join('; ')}.`);
  }
  const localEnv = Object.fromEntries(
    Object.entries(present).filter(
      (entry): entry is [string, string] => /^[A-Z_][A-Z0-9_]*$/.test(entry[0]) && !entry[0].startsWith('SPEDY_') && matchesOverride(entry[0], parsed.data.SPEDY_SECRET_OVERRIDES),
    ),
  );
  const credentials = parsed.data.SPEDY_AI_BACKEND === 'local' ? (parsed.data.SPEDY_CLAUDE_CREDENTIALS ?? defaultClaudeCredentials()) : parsed.data.SPEDY_CLAUDE_CREDENTIALS;
  return { ...parsed.data, SPEDY_CLAUDE_CREDENTIALS: credentials, localEnv };
}

/** Where `claude` keeps its login on Linux (on macOS it is in the Keychain: setup.sh says how to export it). */
export function defaultClaudeCredentials(): string {
  return path.join(os.homedir(), '.claude', '.credentials.json');
}

/** What may be logged about the configuration: everything but the token and the local values. */
export function describeConfig(config: SupervisorConfig): Record<string, unknown> {
  const { SPEDY_RUNNER_TOKEN, localEnv, ...rest } = config;
  return { ...rest, SPEDY_RUNNER_TOKEN: `${SPEDY_RUNNER_TOKEN.slice(0, 8)}…`, localOverrides: Object.keys(localEnv).sort() };
}

/**
 * The environment with a `.env` file's values under it: a variable already set in the
 * environment wins (so `SPEDY_POOL_SIZE=1 spedy-supervisor` overrides the file). A missing
 * file is no error when `required` is false (the environment alone may configure it).
 */
export function withEnvFile(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  { required = false }: { required?: boolean } = {},
): Record<string, string | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return { ...env };
    throw new ConfigError(`Could not read the settings file ${file}: ${(error as Error).message}.`);
  }
  return { ...parseEnv(text), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) };
}
