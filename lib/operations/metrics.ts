// Prometheus metrics for the platform (prom-client). One set per process, kept on globalThis:
// server/main.ts and the code Next bundles for its routes are separate module graphs (Next may
// load its own copy of this file and of prom-client), and both must count into the same
// counters that server/main.ts serves at /metrics.
import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { jobStatuses } from '@spedy/protocol/job-status';
import type { DbOrTx } from '../jobs/db.ts';

export type SpedyMetrics = {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  eventsStored: Counter;
  claims: Counter;
  syncMutations: Counter;
  dispatchLatency: Histogram;
  jobs: Gauge<'status'>;
  runnersOnline: Gauge;
};

function createMetrics(): SpedyMetrics {
  const registry = new Registry();
  // The process's CPU, memory, event-loop lag, GC and handles (process_*, nodejs_*). Registering
  // them twice would throw; createMetrics runs once per process (see spedyMetrics).
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'spedy_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers }),
    eventsStored: new Counter({ name: 'spedy_job_events_stored_total', help: 'Job events stored (duplicates a runner resent are not counted).', registers }),
    claims: new Counter({ name: 'spedy_job_claims_total', help: 'Jobs claimed by runners (over HTTP or the runner socket).', registers }),
    syncMutations: new Counter({ name: 'spedy_sync_mutation_requests_total', help: 'Mutation pushes zero-cache forwarded to /api/zero/mutate.', registers }),
    dispatchLatency: new Histogram({
      name: 'spedy_dispatch_latency_seconds',
      help: 'From a job being created to its first offer to a runner on this instance.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    jobs: new Gauge({ name: 'spedy_jobs', help: 'Jobs by status (read from PostgreSQL at scrape time).', labelNames: ['status'], registers }),
    runnersOnline: new Gauge({ name: 'spedy_runners_online', help: 'Runners whose status is Online (read from PostgreSQL at scrape time).', registers }),
  };
}

const key = Symbol.for('spedy.operations.metrics');
const store = globalThis as typeof globalThis & { [key]?: SpedyMetrics };

/** This process's metrics (created on first use). */
export function spedyMetrics(): SpedyMetrics {
  store[key] ??= createMetrics();
  return store[key];
}

/** The exposition text, with the figures that live in PostgreSQL read now. */
export async function renderMetrics(db: DbOrTx): Promise<{ contentType: string; body: string }> {
  const metrics = spedyMetrics();
  const [jobs, runners] = await Promise.all([
    db.execute<{ status: string; count: number }>(sql`SELECT status, count(*)::int AS count FROM job GROUP BY status`),
    db.execute<{ count: number }>(sql`SELECT count(*)::int AS count FROM runner WHERE status = 'online'`),
  ]);
  const byStatus = new Map(jobs.rows.map((r) => [r.status, r.count]));
  for (const status of jobStatuses) metrics.jobs.set({ status }, byStatus.get(status) ?? 0);
  metrics.runnersOnline.set(runners.rows[0]?.count ?? 0);
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
