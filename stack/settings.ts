// Every environment variable an operator may set, in one list: `npm start -- --help` prints
// it, and a test checks that .env.example and the app's config schema (lib/config.ts) agree.
export type Setting = { name: string; what: string; fallback: string };

export const launcherSettings: Setting[] = [
  { name: 'SPEDY_PUBLIC_URL', what: 'The URL people use, e.g. https://spedy.example.com behind a TLS proxy.', fallback: 'http://localhost:<port>' },
  { name: 'PORT', what: 'The app server’s one port (pages, API, runner WebSocket and sync). Refused with a message when taken.', fallback: '3000 (or the next free port when PORT is unset and the URL is localhost)' },
  { name: 'SPEDY_HOST', what: 'The interface the app listens on; 0.0.0.0 when a proxy on another host forwards to it.', fallback: '127.0.0.1' },
  { name: 'SPEDY_TRUSTED_PROXIES', what: 'Proxies whose X-Forwarded-For is believed for rate limits (addresses, CIDR ranges, loopback).', fallback: 'none' },
  { name: 'SPEDY_METRICS_TOKEN', what: 'Bearer token Prometheus sends to read /metrics (16+ characters). Needed off localhost, where /metrics is off without it.', fallback: 'none (/metrics open to loopback on a localhost URL)' },
  { name: 'SPEDY_SIGNUP', what: 'open (anyone may sign up) or invite (a one-time setup code for the first account, then invitations).', fallback: 'open on localhost, invite otherwise' },
  { name: 'SPEDY_DEMO', what: '1 seeds the demo organization and runner off localhost too; 0 turns them off.', fallback: 'on for a localhost URL only' },
  { name: 'SPEDY_ALLOWED_INTERNAL_HOSTS', what: 'Loopback or private hosts that typed URLs may reach (a GitHub Enterprise, a Bitbucket Server), host or host:port, comma-separated.', fallback: 'none (the demo and tests add the test kit on 127.0.0.1)' },
  { name: 'DATABASE_URL', what: 'An external PostgreSQL 15+ with wal_level=logical instead of the embedded one.', fallback: 'embedded PostgreSQL in .data/pg' },
  { name: 'BETTER_AUTH_SECRET', what: 'Signs sessions (32+ characters).', fallback: 'generated once into .data/secrets.json' },
  { name: 'SPEDY_VAULT_MASTER_KEY', what: 'Encrypts the vault (32+ characters); losing it loses the vault’s contents.', fallback: 'generated once into .data/secrets.json' },
  { name: 'SPEDY_VAULT_KEY_VERSION', what: 'The version of SPEDY_VAULT_MASTER_KEY; raise it when rotating the key.', fallback: '1' },
  { name: 'SPEDY_VAULT_OLD_KEYS', what: 'Earlier master keys as "version:key", comma-separated, so old values stay readable.', fallback: 'none' },
  { name: 'SPEDY_EMBEDDED_DATABASE_PASSWORD', what: 'The embedded PostgreSQL superuser’s password (it listens on 127.0.0.1 only).', fallback: 'generated once into .data/secrets.json' },
  { name: 'SPEDY_DEMO_PASSWORD', what: 'The demo owner’s password (printed at start).', fallback: 'generated once into .data/secrets.json' },
  { name: 'ZERO_PUBLIC_URL', what: 'The sync URL browsers use, when zero-cache is served apart from the app.', fallback: '<SPEDY_PUBLIC_URL>/zero (the app forwards it)' },
  { name: 'SPEDY_ZERO_INTERNAL_URL', what: 'Where the app forwards the browsers’ sync connections (zero-cache on loopback).', fallback: 'set by the launcher' },
  { name: 'ZERO_ADMIN_PASSWORD', what: 'zero-cache’s admin password.', fallback: 'derived from BETTER_AUTH_SECRET' },
  { name: 'SPEDY_AUTH_RATE_LIMIT', what: '0 turns the sign-in rate limit off (the test suite does).', fallback: '1' },
  { name: 'SPEDY_HEARTBEAT_SWEEP_MS', what: 'How often the heartbeat sweep runs (once per period across all instances, on the task queue) to find runners whose heartbeat stopped (ms).', fallback: '5000' },
  { name: 'SPEDY_SHUTDOWN_TIMEOUT_MS', what: 'On SIGTERM, how long in-flight requests may take before the server exits anyway (ms).', fallback: '10000' },
  { name: 'SPEDY_LOG_LEVEL', what: 'The least severe app log line written: fatal, error, warn, info, debug (why runners are refused, probes) or trace.', fallback: 'info' },
  { name: 'SPEDY_LOG_FORMAT', what: 'json (one object a line, for a log collector) or pretty (readable lines).', fallback: 'pretty on a terminal, json otherwise (so json in .data/logs/app.log)' },
  { name: 'SPEDY_LOG_FILE_MAX_MB', what: 'Size at which the launcher rotates each log in .data/logs (app, zero-cache, postgres…); two rotated files (.1, .2) are kept.', fallback: '20' },
  { name: 'SPEDY_NEXT_DIST_DIR', what: 'Next.js output folder, so several development stacks can share one checkout.', fallback: '.next' },
];

export function settingsHelp(): string {
  const width = Math.max(...launcherSettings.map((s) => s.name.length));
  const lines = launcherSettings.map((s) => `  ${s.name.padEnd(width)}  ${s.what}\n  ${' '.repeat(width)}  default: ${s.fallback}`);
  return [
    'npm start [-- --verbose]: the whole stack (PostgreSQL, zero-cache, the app, the demo where it applies).',
    'Settings come from the environment or from a .env file in the project folder (the environment wins):',
    '',
    ...lines,
  ].join('\n');
}
