// The parts of `npm run bench:supervisor`. Each section measures one side of the supervisor
// on the shared throwaway stack and returns rows for the results table plus detail lines;
// bench/supervisor.ts runs them in order. To add one, write a `SupervisorBenchSection` in its
// own file and list it in `sections` there.
import type { Db } from '../lib/db/client.ts';
import type { Stack } from '../stack/stack.ts';
import type { Row } from './report.ts';
import type { Teardown } from './teardown.ts';

export type SupervisorBenchContext = {
  stack: Stack;
  /** The bench's own pool on the stack's database. */
  db: Db;
  /** Stops what a section started, with the rest of the bench (newest first). */
  teardown: Teardown;
  /** Aborted by Ctrl-C or a crashed stack service. */
  signal: AbortSignal;
};

export type SectionResult = { rows: Row[]; details: string[] };

export type SupervisorBenchSection = {
  title: string;
  /** The figures it reports, shown as failed when `run` throws. */
  figures: Pick<Row, 'figure' | 'target'>[];
  run(ctx: SupervisorBenchContext): Promise<SectionResult>;
};
