// `npm start` (production build) and `npm run dev` (`--dev`): the whole local stack in one command.
import fs from 'node:fs';
import { isLocalhostUrl } from '../lib/auth/sign-up-policy.ts';
import { errorDetails } from '../stack/errors.ts';
import { displayPath, fromRoot } from '../stack/paths.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import { settingsHelp } from '../stack/settings.ts';
import { isAbortError } from '../stack/time.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(settingsHelp());
  process.exit(0);
}
// A .env in the project folder, under whatever the environment already sets.
if (fs.existsSync(fromRoot('.env'))) process.loadEnvFile(fromRoot('.env'));

const dev = process.argv.includes('--dev');
const verboseBuild = process.argv.includes('--verbose');
const dataDir = fromRoot('.data');

const startup = new AbortController();
let stack: Stack | undefined;
let demoRunner: { stop(): Promise<void> } | null = null;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  if (stack) {
    console.log('\nStopping…');
    await demoRunner?.stop();
    await stack.stop();
    console.log('Stopped. Your data stays in .data/ for the next start.');
  }
  process.exit(code);
}

function onSignal(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    console.log(`(${signal} again: still stopping, one moment)`);
    return;
  }
  if (!stack) {
    // Still starting: abort; startStack stops what it started, then the catch below exits.
    shuttingDown = true;
    console.log('\nStopping…');
    startup.abort();
    return;
  }
  void shutdown(0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

function startOptions(): { publicUrl?: string; port?: number; preferredPort?: number } {
  const publicUrl = process.env.SPEDY_PUBLIC_URL?.trim() || undefined;
  if (publicUrl && !URL.canParse(publicUrl)) {
    console.error(`SPEDY_PUBLIC_URL must be a URL such as https://spedy.example.com (got "${publicUrl}").`);
    process.exit(1);
  }
  const portSetting = process.env.PORT?.trim();
  if (portSetting && !/^\d{1,5}$/.test(portSetting)) {
    console.error(`PORT must be a port number such as 3000 (got "${portSetting}").`);
    process.exit(1);
  }
  // A team's URL needs a fixed port for its proxy; a newcomer's localhost start takes the next free one.
  if (portSetting) return { publicUrl, port: Number(portSetting) };
  if (publicUrl && !isLocalhostUrl(publicUrl)) return { publicUrl, port: 3000 };
  return { publicUrl, preferredPort: 3000 };
}

console.log(dev ? 'Starting Spedy (development mode)…' : 'Starting Spedy…');
try {
  stack = await startStack({ dataDir, dev, verboseBuild, ...startOptions(), signal: startup.signal });
} catch (err) {
  if (isAbortError(err) || startup.signal.aborted) {
    console.log('Stopped before the start finished.');
    process.exit(0);
  }
  console.error(`\n✗ Spedy could not start: ${(err as Error).message ?? err}`);
  const details = errorDetails(err);
  if (details) console.error(`\n${details}`);
  console.error(`\nLogs are in ${displayPath(fromRoot('.data', 'logs'))}/. Everything that was started has been stopped.`);
  process.exit(1);
}

// The app and sync are up: time from this process's start (performance.now()'s origin).
console.log(`✓ Ready in ${(performance.now() / 1000).toFixed(1)} s${stack.demo ? ' (the demo runner starts next)' : ''}`);

if (stack.demo) {
  // Loaded only now: its imports (the test kit, dockerode) took about a second before anything started.
  const { startDemoRunner } = await import('../stack/demo-runner.ts');
  demoRunner = await startDemoRunner({
    dataDir,
    appUrl: stack.localAppUrl,
    databaseUrl: stack.databaseUrl,
    appEnv: stack.appEnv,
    log: (line) => console.log(line),
  });
}

console.log('');
console.log(`  Spedy is running at ${stack.appUrl}`);
if (stack.appUrl !== stack.localAppUrl) {
  console.log(`  The app listens on ${process.env.SPEDY_HOST || '127.0.0.1'}:${new URL(stack.localAppUrl).port}; put your TLS proxy in front of it.`);
  if (!process.env.SPEDY_HOST) console.log('  A proxy on another host needs SPEDY_HOST=0.0.0.0 (the app listens on 127.0.0.1 by default).');
}
if (stack.demo) console.log(`  Sign in as ${stack.demo.email} / ${stack.demo.password} (demo organization, this install's own password)`);
if (stack.setupCode) console.log(`  No one owns this Spedy yet: sign up at ${stack.appUrl}/sign-up with the one-time setup code ${stack.setupCode}`);
console.log('');
console.log(
  `  Press Ctrl-C to stop. Data stays in .data/ between starts (delete it to start over); logs in .data/logs/.` +
    (dev ? '' : ' Use `npm run dev` for hot reload.'),
);

const exit = await stack.crashed;
if (!shuttingDown) {
  console.error(
    `\n✗ ${exit.name} stopped unexpectedly (${exit.signal ?? `exit code ${exit.code}`}); see ${displayPath(exit.logFile)}. Stopping the rest.`,
  );
  await shutdown(1);
}
