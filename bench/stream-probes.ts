// What bench/stream.ts measures besides the pages: the same live feed query in a Node Zero
// client (sent → zero-cache delivered, without a browser's rendering), and the rows zero-cache
// had to replicate (every row written to a table of the replicated `public` schema).
import { sql } from '../test/support/db.ts';
import type { NodeZero } from '../test/support/zero-client.ts';
import { queries } from '../zero/queries.ts';

/** [newest seq, when it arrived] each time the Node client's feed query shows a newer event. */
export function watchFeedInNode(zero: NodeZero, orgID: string, jobID: string): { marks: [number, number][]; stop: () => void } {
  const marks: [number, number][] = [];
  const view = zero.materialize(queries.runners.jobFeed({ orgID, jobID }));
  let latest = 0;
  const unsubscribe = view.addListener((rows) => {
    const at = performance.timeOrigin + performance.now();
    const seq = rows.reduce((max, row) => Math.max(max, row.seq), 0);
    if (seq > latest) {
      latest = seq;
      marks.push([seq, at]);
    }
  });
  return {
    marks,
    stop: () => {
      unsubscribe();
      view.destroy();
    },
  };
}

export type ReplicatedWrites = { walBytes: bigint; byTable: Map<string, number> };

/** Rows inserted, updated and deleted so far per replicated table, and the WAL position. */
export async function replicatedWrites(databaseUrl: string): Promise<ReplicatedWrites> {
  const rows = await sql<{ table: string; n: string }>(
    databaseUrl,
    `SELECT relname AS table, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables WHERE schemaname = 'public'`,
  );
  const [{ lsn }] = await sql<{ lsn: string }>(databaseUrl, `SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS lsn`);
  return { walBytes: BigInt(lsn.split('.')[0]!), byTable: new Map(rows.map((r) => [r.table, Number(r.n)])) };
}

/** What was written between two readings (over `seconds` of streaming): rows per second in all, the busiest tables, WAL per second. */
export function describeReplication(before: ReplicatedWrites, after: ReplicatedWrites, seconds: number): string[] {
  const changes = [...after.byTable].map(([table, n]) => [table, n - (before.byTable.get(table) ?? 0)] as const).filter(([, n]) => n > 0);
  const total = changes.reduce((sum, [, n]) => sum + n, 0);
  const busiest = changes
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([table, n]) => `${table} ${Math.round(n / seconds)}/s`);
  const walMb = Number(after.walBytes - before.walBytes) / 1024 / 1024;
  return [
    `rows zero-cache replicated: ${Math.round(total / seconds).toLocaleString('en')} per second (${total.toLocaleString('en')} in ${seconds.toFixed(1)} s; ${busiest.join(', ')})`,
    `WAL written: ${(walMb / seconds).toFixed(1)} MB per second (${walMb.toFixed(0)} MB)`,
  ];
}
