// The demo supervisor's environment, written out in full: what it needs to reach the
// platform, the scripted model and its Docker engine, plus the few machine settings its
// own tools (git, npm pack, debootstrap) read. It never inherits the launcher's
// environment, so the platform's own secrets (BETTER_AUTH_SECRET, SPEDY_VAULT_MASTER_KEY,
// DATABASE_URL) and a developer's tokens never reach it.

/** Machine settings passed through from the launcher's environment when set. */
export const machineVariables = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'npm_config_registry',
  'npm_config_cafile',
  'npm_config_userconfig',
] as const;

export type DemoSupervisorSettings = {
  appUrl: string;
  runnerToken: string;
  jobsDir: string;
  modelUrl: string;
  dockerSocket: string;
  /**
   * Values the supervisor's own environment carries, as an operator's local .env would
   * (they override the vault's entries of the same name); tests use this.
   */
  localEnv?: Readonly<Record<string, string>>;
  /** Jobs at once (default 2); the supervisor bench runs three. */
  poolSize?: number;
  /** SPEDY_RUNNER_NAME (default demo-runner); tests start a second runner under another name. */
  runnerName?: string;
};

export function demoSupervisorEnv(
  settings: DemoSupervisorSettings,
  launcherEnv: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> & { NODE_ENV: 'production' } {
  const machine: Record<string, string> = {};
  for (const name of machineVariables) {
    const value = launcherEnv[name];
    if (value !== undefined) machine[name] = value;
  }
  return {
    ...machine,
    ...settings.localEnv,
    // As the app server it works with runs (the launcher gave the supervisor the app's NODE_ENV before).
    NODE_ENV: 'production',
    SPEDY_API_URL: `${settings.appUrl}/api/v1`,
    SPEDY_RUNNER_TOKEN: settings.runnerToken,
    SPEDY_RUNNER_NAME: settings.runnerName ?? 'demo-runner',
    SPEDY_RUNNER_LABELS: 'demo',
    SPEDY_POOL_SIZE: String(settings.poolSize ?? 2),
    SPEDY_JOBS_DIR: settings.jobsDir,
    SPEDY_MODEL_BASE_URL: settings.modelUrl,
    DOCKER_HOST: `unix://${settings.dockerSocket}`,
  };
}
