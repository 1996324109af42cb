// `npm start` (production build) and `npm run dev` (`--dev`): the whole local stack in one command.
import { errorDetails } from '../stack/errors.ts';
import { displayPath, fromRoot } from '../stack/paths.ts';
import { startDemoRunner } from '../stack/demo-runner.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import { isAbortError } from '../stack/time.ts';

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

console.log(dev ? 'Starting Spedy (development mode)…' : 'Starting Spedy…');
try {
  stack = await startStack({ dataDir, dev, verboseBuild, preferredPort: 3000, signal: startup.signal });
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

if (stack.demo) {
  demoRunner = await startDemoRunner({
    dataDir,
    appUrl: stack.appUrl,
    databaseUrl: stack.databaseUrl,
    appEnv: stack.appEnv,
    log: (line) => console.log(line),
  });
}

console.log('');
console.log(`  Spedy is running at ${stack.appUrl}`);
if (stack.demo) console.log(`  Sign in as ${stack.demo.email} / ${stack.demo.password}`);
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
