// The supervisor's Prometheus metrics (prom-client), one set per process: the places that
// see something happen call one function here (the pool's status reports, the streamer's
// acknowledgements, the model proxy's metered usage, the runner image build), and the status
// listener (status-server.ts) serves the registry at /metrics. Figures that are a state, not
// a count (jobs here by status, slots, the last heartbeat), are read at scrape time from the
// running supervisor (observeSupervisor).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { holdsPoolSlot, jobStatuses, type JobStatus } from '@spedy/protocol/job-status';
import { listPriceUsd } from '@spedy/protocol/models';

/** What the running supervisor tells the metrics at scrape time. */
export type SupervisorState = {
  poolSize: number;
  /** The status of each job this supervisor holds (slot-holding or parked). */
  jobStatuses(): JobStatus[];
  /** When the platform last answered a heartbeat (ms since the epoch), or null before the first. */
  lastHeartbeatAt(): number | null;
};

/** One model response's metered usage (model-proxy/usage.ts). */
export type MeteredUsage = { model: string; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };

const tokenKinds = { inputTokens: 'input', outputTokens: 'output', cacheReadTokens: 'cache_read', cacheWriteTokens: 'cache_write' } as const;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let state: SupervisorState | null = null;
  const metrics = {
    registry,
    statusChanges: new Counter({
      name: 'spedy_supervisor_job_status_changes_total',
      help: 'Job statuses the platform accepted from this supervisor (claims included), by the status entered.',
      labelNames: ['status'],
      registers,
    }),
    jobs: new Gauge({
      name: 'spedy_supervisor_jobs',
      help: 'Jobs this supervisor holds, by status (Stopped and Waiting for Input ones hold no slot).',
      labelNames: ['status'],
      registers,
      collect() {
        const held = state?.jobStatuses() ?? [];
        for (const status of jobStatuses) this.set({ status }, held.filter((s) => s === status).length);
      },
    }),
    slotsInUse: new Gauge({
      name: 'spedy_supervisor_slots_in_use',
      help: 'Pool slots taken by jobs that are running.',
      registers,
      collect() {
        this.set((state?.jobStatuses() ?? []).filter(holdsPoolSlot).length);
      },
    }),
    poolSize: new Gauge({
      name: 'spedy_supervisor_pool_size',
      help: 'Jobs this supervisor runs at once (SPEDY_POOL_SIZE).',
      registers,
      collect() {
        this.set(state?.poolSize ?? 0);
      },
    }),
    eventsDelivered: new Counter({ name: 'spedy_supervisor_job_events_total', help: 'Job events the platform acknowledged (rate() gives events per second).', registers }),
    modelTokens: new Counter({
      name: 'spedy_supervisor_model_tokens_total',
      help: 'Tokens the model proxy metered, by model and kind (input, output, cache_read, cache_write).',
      labelNames: ['model', 'kind'],
      registers,
    }),
    modelCost: new Counter({
      name: 'spedy_supervisor_model_cost_usd_total',
      help: 'List-price cost of the metered tokens in USD, by model (models not on the price list count tokens only).',
      labelNames: ['model'],
      registers,
    }),
    heartbeatAge: new Gauge({
      name: 'spedy_supervisor_last_heartbeat_age_seconds',
      help: 'Seconds since the platform last answered a heartbeat (-1 before the first answer).',
      registers,
      collect() {
        const at = state?.lastHeartbeatAt() ?? null;
        this.set(at === null ? -1 : Math.max(0, (Date.now() - at) / 1000));
      },
    }),
    imageBuild: new Histogram({
      name: 'spedy_supervisor_image_build_seconds',
      help: 'How long building the runner image took (a cached image is not a build), by outcome.',
      labelNames: ['outcome'],
      buckets: [10, 30, 60, 120, 180, 300, 600, 1200],
      registers,
    }),
    observe(next: SupervisorState | null) {
      state = next;
    },
  };
  return metrics;
}

let current: ReturnType<typeof createMetrics> | null = null;

/** This process's metrics (created on first use). */
export function supervisorMetrics(): ReturnType<typeof createMetrics> {
  current ??= createMetrics();
  return current;
}

/**
 * Reads the running supervisor's state at scrape time until the returned function is called
 * (its stop). One supervisor runs per process; in tests the latest started one is observed.
 */
export function observeSupervisor(state: SupervisorState): () => void {
  supervisorMetrics().observe(state);
  return () => supervisorMetrics().observe(null);
}

/** The platform accepted `status` for a job (a claim, a report). */
export function recordJobStatus(status: JobStatus): void {
  supervisorMetrics().statusChanges.inc({ status });
}

/** The platform acknowledged `count` more of a job's events. */
export function recordEventsDelivered(count: number): void {
  if (count > 0) supervisorMetrics().eventsDelivered.inc(count);
}

/** One model response the proxy metered (a response cut short counts what it used). */
export function recordModelUsage(usage: MeteredUsage): void {
  const metrics = supervisorMetrics();
  for (const [field, kind] of Object.entries(tokenKinds) as [keyof typeof tokenKinds, string][]) {
    if (usage[field] > 0) metrics.modelTokens.inc({ model: usage.model, kind }, usage[field]);
  }
  const cost = listPriceUsd(usage);
  if (cost !== null && cost > 0) metrics.modelCost.inc({ model: usage.model }, cost);
}

/** Times a runner image build; resolves and rejects as `build` does. */
export function recordImageBuild<T>(build: Promise<T>): Promise<T> {
  const end = supervisorMetrics().imageBuild.startTimer();
  build.then(
    () => end({ outcome: 'built' }),
    () => end({ outcome: 'failed' }),
  );
  return build;
}
