// `npm test`: the type check (tsc) and the linter (Biome), unit tests, then the whole stack once
// (fresh data, free ports) for integration tests (vitest) and browser tests (Playwright). The last
// line is always "N passed, N failed, N skipped"; the type check and the linter count as one test each.
// `npm test -- --unit-only` runs only the type check, the linter and the unit tests;
// `npm test -- --dev` runs the app in development mode (no production build; quicker to iterate).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorDetails } from '../stack/errors.ts';
import { fromRoot, projectRoot } from '../stack/paths.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import { isAbortError } from '../stack/time.ts';

const CHROMIUM = '/usr/bin/chromium';
const unitOnly = process.argv.includes('--unit-only');
const dev = process.argv.includes('--dev');
/** `npm test -- --only <file…>`: just these integration/docker/browser files (a quicker loop while working). */
const onlyIndex = process.argv.indexOf('--only');
const onlyFiles = onlyIndex >= 0 ? process.argv.slice(onlyIndex + 1) : [];
const only = (pattern: RegExp) => onlyFiles.filter((f) => pattern.test(f));

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Why the suite counts as broken beyond its failed tests (runner crash, file that failed to load). */
  problems: string[];
}

const results: SuiteResult[] = [];
const startup = new AbortController();
let current: ChildProcess | undefined;
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: stopping the tests…`);
  startup.abort();
  // A terminal Ctrl-C reaches the runner too; a plain `kill` reaches only us.
  current?.kill(signal);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: 'inherit' });
    current = child;
    child.once('error', (err) => {
      console.error(`Could not run ${command}: ${err.message}`);
      resolve(null);
    });
    child.once('close', (code) => {
      current = undefined;
      resolve(code);
    });
  });
}

/** The parts of vitest's and Playwright's JSON reports that the summary reads. */
interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { name: string; status: string; assertionResults?: { status: string }[] }[];
}
interface PlaywrightReport {
  stats?: { expected?: number; flaky?: number; unexpected?: number; skipped?: number };
  errors?: { message?: string }[];
}

function readJson<Report>(file: string): Report | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  } catch {
    return undefined;
  }
}

/** A check that passes or fails as a whole (the type check, the linter): one test in the summary. */
async function runCheck(name: string, bin: string, args: string[]): Promise<void> {
  console.log(`\n▶ ${name}`);
  const code = await run(process.execPath, [fromRoot('node_modules', '.bin', bin), ...args], process.env);
  if (interrupted) return;
  const passed = code === 0;
  results.push({ name, passed: passed ? 1 : 0, failed: passed ? 0 : 1, skipped: 0, problems: passed ? [] : [`${bin} ${args.join(' ')} exited with code ${code}`] });
  if (passed) console.log(`✓ ${name}`);
}

async function runVitest(project: 'unit' | 'docker' | 'integration', reportDir: string, env: NodeJS.ProcessEnv, files: string[] = []): Promise<void> {
  const report = path.join(reportDir, `vitest-${project}.json`);
  console.log(`\n▶ vitest --project ${project}`);
  const code = await run(
    process.execPath,
    [
      fromRoot('node_modules', '.bin', 'vitest'),
      'run',
      '--project',
      project,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...files,
    ],
    env,
  );
  const json = readJson<VitestReport>(report);
  const suite: SuiteResult = { name: `vitest ${project}`, passed: 0, failed: 0, skipped: 0, problems: [] };
  if (json) {
    suite.passed = json.numPassedTests ?? 0;
    suite.failed = json.numFailedTests ?? 0;
    suite.skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    for (const file of json.testResults ?? []) {
      const testFailed = (file.assertionResults ?? []).some((a) => a.status === 'failed');
      if (file.status === 'failed' && !testFailed) {
        suite.failed += 1; // the file itself failed (import error, hook failure…)
        suite.problems.push(`${path.relative(projectRoot, file.name)} failed outside its tests`);
      }
    }
  }
  if (code !== 0 && suite.failed === 0 && !interrupted) {
    suite.failed += 1;
    suite.problems.push(json ? `vitest exited with code ${code} (unhandled errors?)` : `vitest crashed (exit code ${code}, no report)`);
  }
  results.push(suite);
}

async function runPlaywright(reportDir: string, env: NodeJS.ProcessEnv, files: string[] = []): Promise<void> {
  const report = path.join(reportDir, 'playwright.json');
  console.log('\n▶ playwright test');
  const code = await run(
    process.execPath,
    [fromRoot('node_modules', '.bin', 'playwright'), 'test', '--reporter=list,json', '--pass-with-no-tests', ...files],
    { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  );
  const json = readJson<PlaywrightReport>(report);
  const suite: SuiteResult = { name: 'playwright', passed: 0, failed: 0, skipped: 0, problems: [] };
  if (json?.stats) {
    suite.passed = (json.stats.expected ?? 0) + (json.stats.flaky ?? 0);
    suite.failed = json.stats.unexpected ?? 0;
    suite.skipped = json.stats.skipped ?? 0;
    for (const error of json.errors ?? []) {
      suite.problems.push(String(error.message ?? error).split('\n')[0]);
    }
  }
  if (code !== 0 && suite.failed === 0 && !interrupted) {
    suite.failed += 1;
    if (suite.problems.length === 0) suite.problems.push(`playwright exited with code ${code}`);
  }
  results.push(suite);
}

/** Prerequisites that need root: Chromium (browser tests), Docker and debootstrap (runner containers). */
const systemPackages = [
  { path: CHROMIUM, pkg: 'chromium', why: 'the browser tests' },
  { path: '/usr/sbin/dockerd', pkg: 'docker.io', why: 'the runner container tests' },
  { path: '/usr/sbin/debootstrap', pkg: 'debootstrap', why: 'building the runner image offline' },
  { path: '/usr/sbin/ip', pkg: 'iproute2', why: 'the containment tests (a network namespace the test creates)' },
  { path: '/usr/bin/docker-compose', pkg: 'docker-compose', why: 'the runner installer test (docker-compose config)' },
];

function preflight(): void {
  const missing = systemPackages.filter((p) => !fs.existsSync(p.path));
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  console.error(
    `Missing for ${missing.map((m) => m.why).join(', ')}. Install with:\n\n  ${sudo}apt-get install -y ${missing.map((m) => m.pkg).join(' ')}\n`,
  );
  process.exit(1);
}

async function main(): Promise<number> {
  if (!unitOnly) preflight();
  const runDir = fromRoot('.test-data', `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`);
  const reportDir = path.join(runDir, 'reports');
  fs.mkdirSync(reportDir, { recursive: true });

  let stack: Stack | undefined;
  try {
    const selected = { docker: only(/\.docker\.test\.ts$/), integration: only(/\.pg\.test\.ts$/), browser: only(/\.spec\.ts$/) };
    if (onlyFiles.length === 0) {
      await runCheck('typecheck', 'tsc', ['--noEmit']);
      if (!interrupted) await runCheck('lint', 'biome', ['lint']);
      if (!interrupted) await runVitest('unit', reportDir, process.env);
    }
    if (!unitOnly && !interrupted && (onlyFiles.length === 0 || selected.docker.length > 0)) await runVitest('docker', reportDir, process.env, selected.docker);

    const needsStack = onlyFiles.length === 0 || selected.integration.length + selected.browser.length > 0;
    if (!unitOnly && !interrupted && needsStack) {
      console.log('\n▶ Starting the stack (fresh data, free ports)');
      process.env.SPEDY_DEMO = '0';
      try {
        // Every test signs up fresh users from one address; the auth rate limit would refuse them.
        process.env.SPEDY_AUTH_RATE_LIMIT = '0';
        // The test kit's provider and git servers listen on 127.0.0.1 at ports each suite picks after the app starts.
        process.env.SPEDY_ALLOWED_INTERNAL_HOSTS = '127.0.0.1';
        stack = await startStack({
          dataDir: runDir,
          dev,
          echoApp: false,
          preferredPort: 3100,
          preferredZeroPort: 4948,
          externalDatabaseUrl: false,
          demo: false,
          ephemeral: true,
          signal: startup.signal,
          log: (line) => console.log(`  ${line}`),
        });
      } catch (err) {
        if (!(isAbortError(err) || interrupted)) {
          console.error(`\n✗ The stack did not start: ${(err as Error).message}`);
          const details = errorDetails(err);
          if (details) console.error(details);
          results.push({ name: 'stack', passed: 0, failed: 1, skipped: 0, problems: ['the stack did not start'] });
        }
      }
      if (stack && !interrupted) {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          ...stack.appEnv,
          NODE_ENV: 'test',
          SPEDY_TEST_APP_URL: stack.appUrl,
          SPEDY_TEST_ZERO_URL: stack.zeroUrl,
          SPEDY_TEST_DATABASE_URL: stack.databaseUrl,
          SPEDY_TEST_DATA_DIR: stack.dataDir,
        };
        if (onlyFiles.length === 0 || selected.integration.length > 0) await runVitest('integration', reportDir, env, selected.integration);
        if (!interrupted && (onlyFiles.length === 0 || selected.browser.length > 0)) await runPlaywright(reportDir, env, selected.browser);
      }
    }
  } finally {
    if (stack) {
      console.log('\nStopping the stack…');
      await stack.stop();
    }
    fs.rmSync(runDir, { recursive: true, force: true });
    try {
      fs.rmdirSync(fromRoot('.test-data')); // only when empty
    } catch {}
  }

  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of results) {
    total.passed += suite.passed;
    total.failed += suite.failed;
    total.skipped += suite.skipped;
  }
  console.log('\nSummary:');
  for (const suite of results) {
    console.log(`  ${suite.name}: ${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped`);
    for (const problem of suite.problems) console.log(`    ! ${problem}`);
  }
  if (interrupted) console.log('  (interrupted)');
  else if (total.passed + total.failed === 0) console.log('  ! no tests ran');
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);

  if (interrupted) return 130;
  return total.failed > 0 || total.passed + total.failed === 0 ? 1 : 0;
}

process.exit(await main());
