// `npm run bench:supervisor`: the supervisor's own costs on a throwaway stack, one section
// per side (bench/supervisor-section.ts says how to add one): the model proxy's added time
// to first token; events from one job to the database (stored per second; emitted → stored
// when idle); the supervisor's RSS with three jobs running. It measures and prints; it never
// fails on a figure.
import os from 'node:os';
import { connectDb } from '../lib/db/client.ts';
import { startBenchStack } from './bench-stack.ts';
import { printTable, type Row } from './report.ts';
import { eventsSection } from './supervisor-events.ts';
import { modelProxySection } from './supervisor-model-proxy.ts';
import { rssSection } from './supervisor-rss.ts';
import type { SupervisorBenchSection } from './supervisor-section.ts';
import { abortOnSignals, loadAverage, runBench, Teardown } from './teardown.ts';

const sections: SupervisorBenchSection[] = [modelProxySection, eventsSection, rssSection];

const teardown = new Teardown();
const { interrupt, abort: abortBench } = abortOnSignals(teardown);

async function main(): Promise<void> {
  console.log(`Supervisor bench: ${os.cpus().length} cores, load average ${loadAverage()} at start`);
  if (os.loadavg()[0] > os.cpus().length / 2) console.log('  ! The load average is above half the cores: other work pushes every figure up.');
  // The runner socket and the event path run in the custom server, outside Next, in either mode.
  const stack = await startBenchStack({ name: 'bench-supervisor', dev: true, preferredPort: 3550, preferredZeroPort: 5550, teardown, interrupt, abort: abortBench });
  // The platform functions used by the sections (token hashing, job creation) read the app's configuration.
  Object.assign(process.env, stack.appEnv);
  const { db, close } = connectDb(stack.databaseUrl);
  teardown.add('the bench database pool', close);
  const ctx = { stack, db, teardown, signal: interrupt.signal };

  const rows: Row[] = [];
  const details: string[] = [];
  for (const [i, section] of sections.entries()) {
    console.log(`\n▶ ${i + 1}/${sections.length} ${section.title}`);
    try {
      const result = await section.run(ctx);
      rows.push(...result.rows);
      details.push(...result.details.map((line, n) => `  ${n === 0 ? `${i + 1}.` : '  '} ${line}`));
    } catch (error) {
      interrupt.signal.throwIfAborted();
      const message = error instanceof Error ? error.message : String(error);
      console.error(`  ✗ ${message}`);
      rows.push(...section.figures.map((f) => ({ ...f, measured: `failed: ${message.split('\n')[0].slice(0, 60)}`, met: null })));
    }
  }

  console.log(`\nResults (load average ${loadAverage()} at the end; other work on the machine raises every figure)\n`);
  printTable(rows);
  if (details.length > 0) console.log(`\nDetails\n${details.join('\n')}`);
}

await runBench(main, teardown, interrupt);
