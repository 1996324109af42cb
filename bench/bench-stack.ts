import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { fromRoot } from '../stack/paths.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import type { Teardown } from './teardown.ts';

/**
 * A fresh stack for one bench run (its own data folder, free ports), torn down with the
 * bench. Commits are durable, as in production: the ephemeral stack's synchronous_commit=off
 * leaves each commit in the WAL buffers until the WAL writer's next round (200 ms), and
 * logical replication only ships flushed WAL, so every sync figure would grow.
 */
export async function startBenchStack(options: {
  name: string;
  /** Development mode skips `next build` (it would collide with other builds in this checkout). */
  dev: boolean;
  preferredPort: number;
  preferredZeroPort: number;
  teardown: Teardown;
  interrupt: AbortController;
  abort: (reason: string) => void;
}): Promise<Stack> {
  const { teardown } = options;
  const dataDir = fromRoot('.test-data', `${options.name}-${randomBytes(4).toString('hex')}`);
  teardown.add('the bench data folder', () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    try {
      fs.rmdirSync(fromRoot('.test-data')); // only when empty
    } catch {}
  });

  // One address signs several people up; the auth rate limit would refuse them.
  process.env.SPEDY_AUTH_RATE_LIMIT = '0';
  process.env.SPEDY_DEMO = '0';
  if (options.dev) process.env.SPEDY_NEXT_DIST_DIR = `.next-${options.name}`;
  console.log(`\n▶ Starting the stack (fresh data, free ports${options.dev ? ', development mode' : ''})`);
  const stack = await startStack({
    dataDir,
    dev: options.dev,
    preferredPort: options.preferredPort,
    preferredZeroPort: options.preferredZeroPort,
    externalDatabaseUrl: false,
    demo: false,
    ephemeral: false,
    echoApp: false,
    signal: options.interrupt.signal,
    log: (line) => console.log(`  ${line}`),
  });
  teardown.add('the stack', () => stack.stop());
  void stack.crashed.then((exit) => options.abort(`${exit.name} exited (code ${exit.code}, signal ${exit.signal}; its log: ${exit.logFile})`));
  // test/support/* find the stack through these.
  process.env.SPEDY_TEST_APP_URL = stack.appUrl;
  process.env.SPEDY_TEST_ZERO_URL = stack.zeroUrl;
  process.env.SPEDY_TEST_DATABASE_URL = stack.databaseUrl;
  return stack;
}
