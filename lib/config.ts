import { z } from 'zod';
import { toError } from '@spedy/protocol/errors';
import { parseAllowedInternalHosts } from '@spedy/protocol/allowed-internal-hosts';

export const configSchema = z.object({
  DATABASE_URL: z.string().url('DATABASE_URL must be a postgres:// URL'),
  BETTER_AUTH_SECRET: z.string().min(32, 'BETTER_AUTH_SECRET must be at least 32 characters'),
  SPEDY_VAULT_MASTER_KEY: z.string().min(32, 'SPEDY_VAULT_MASTER_KEY must be at least 32 characters'),
  /** The version number of SPEDY_VAULT_MASTER_KEY; raise it when rotating the master key. */
  SPEDY_VAULT_KEY_VERSION: z.coerce.number().int().min(1).default(1),
  /** Older master keys, comma-separated "version:key", so values sealed with them stay readable. */
  SPEDY_VAULT_OLD_KEYS: z.string().default(''),
  SPEDY_PUBLIC_URL: z.string().url('SPEDY_PUBLIC_URL must be the app URL, e.g. http://localhost:3000'),
  /** The sync URL browsers use; by default the app's own origin, which forwards it to zero-cache. */
  ZERO_PUBLIC_URL: z.string().url('ZERO_PUBLIC_URL must be the zero-cache URL the browser uses').optional(),
  /** Where this app server forwards the browsers' sync connections: zero-cache on loopback. */
  SPEDY_ZERO_INTERNAL_URL: z.string().url('SPEDY_ZERO_INTERNAL_URL must be zero-cache\'s URL, e.g. http://127.0.0.1:4848').default('http://127.0.0.1:4848'),
  /** The interface the app listens on; 127.0.0.1 unless the operator asks for more (0.0.0.0). */
  SPEDY_HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1, 'PORT must be a port number (1–65535)').max(65_535, 'PORT must be a port number (1–65535)').default(3000),
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDR ranges, loopback), comma-separated. */
  SPEDY_TRUSTED_PROXIES: z.string().default(''),
  /** The bearer token Prometheus sends to read /metrics; without it, /metrics is open to loopback on a localhost URL and off otherwise. */
  SPEDY_METRICS_TOKEN: z.string().min(16, 'SPEDY_METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  /** Who may create an account: `open` (anyone) or `invite` (a setup code for the first, invitations after). Default: open on a localhost URL, invite otherwise. */
  SPEDY_SIGNUP: z.enum(['open', 'invite'], { message: 'SPEDY_SIGNUP must be "open" or "invite"' }).optional(),
  /** `0` turns Better Auth's rate limit off (the test suite signs many users up from one address). */
  SPEDY_AUTH_RATE_LIMIT: z.enum(['0', '1']).default('1'),
  /** How often each platform instance looks for runners whose heartbeat stopped (milliseconds). */
  SPEDY_HEARTBEAT_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100, 'SPEDY_HEARTBEAT_SWEEP_MS must be at least 100 (milliseconds)')
    .max(600_000, 'SPEDY_HEARTBEAT_SWEEP_MS must be at most 600000 (ten minutes)')
    .default(5000),
  /** On SIGTERM, how long in-flight requests may take to finish before the server exits anyway (milliseconds). */
  SPEDY_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0, 'SPEDY_SHUTDOWN_TIMEOUT_MS must be at least 0 (milliseconds)')
    .max(600_000, 'SPEDY_SHUTDOWN_TIMEOUT_MS must be at most 600000 (ten minutes)')
    .default(10_000),
  /** The least severe log line written: fatal, error, warn, info, debug or trace (silent writes none). */
  SPEDY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'SPEDY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  /** `json` (one object a line, for collectors) or `pretty` (for people); unset: pretty when stdout is a terminal. */
  SPEDY_LOG_FORMAT: z.enum(['json', 'pretty'], { message: 'SPEDY_LOG_FORMAT must be "json" or "pretty"' }).optional(),
  /** Hosts on loopback or private addresses that URLs people type may reach ("host" or "host:port", comma-separated; lib/net/address-guard.ts). */
  SPEDY_ALLOWED_INTERNAL_HOSTS: z
    .string()
    .default('')
    .superRefine((value, ctx) => {
      try {
        parseAllowedInternalHosts(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: toError(error).message });
      }
    }),
});

export type Config = z.infer<typeof configSchema> & { ZERO_PUBLIC_URL: string };

const logSettingsSchema = configSchema.pick({ SPEDY_LOG_LEVEL: true, SPEDY_LOG_FORMAT: true });
export type LogSettings = z.infer<typeof logSettingsSchema>;

/** The logger's settings alone: scripts and tests log without the database and secret settings. */
export function getLogSettings(env: Record<string, string | undefined> = process.env): LogSettings {
  const parsed = logSettingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Spedy configuration is invalid: ${problems}`);
  }
  return parsed.data;
}

let cached: Config | undefined;

/** Parsed once, on first use (not at import, so `next build` needs no environment). */
export function getConfig(): Config {
  if (cached) return cached;
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Spedy configuration is invalid: ${problems}`);
  }
  const zeroPublicUrl = parsed.data.ZERO_PUBLIC_URL ?? `${parsed.data.SPEDY_PUBLIC_URL.replace(/\/+$/, '')}/zero`;
  cached = { ...parsed.data, ZERO_PUBLIC_URL: zeroPublicUrl };
  return cached;
}
