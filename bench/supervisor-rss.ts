// The supervisor's memory with three jobs running: the real supervisor process (the demo
// runner's, pool of three) against the bench stack, each job's agent (the real Claude Code
// CLI in its runner container, against the scripted model) busy with `sleep 600`. RSS is
// the supervisor's own process (VmRSS in /proc), not its containers'; sampled for a few
// seconds once all three agents are at work, and once before any job for comparison.
import fs from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { createJob } from '../lib/jobs/create.ts';
import { startDemoRunner } from '../stack/demo-runner.ts';
import { createProject, newMember } from '../test/support/fixtures.ts';
import { sql } from '../test/support/db.ts';
import { poll } from '../test/support/poll.ts';
import { sampleSnapshot } from '../test/support/runners.ts';
import { percentile } from './samples.ts';
import type { SupervisorBenchSection } from './supervisor-section.ts';

const JOBS = 3;
const SAMPLES = 20;
const SAMPLE_GAP_MS = 250;
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The process's resident set, in bytes. */
function rssOf(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}

async function sampleRss(pid: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(rssOf(pid));
    await sleep(SAMPLE_GAP_MS);
  }
  return samples;
}

/** A job with no repository whose one stage's agent runs `sleep 600` until the bench ends. */
function busySnapshot(): JobSnapshot {
  const snapshot = sampleSnapshot();
  const [stage] = snapshot.pipeline.steps[0]!.stages;
  snapshot.pipeline.steps[0]!.stages = [{ ...stage!, id: 'wait', name: 'Wait [scenario:slow]', allowedTools: ['Bash'] }];
  return snapshot;
}

export const rssSection: SupervisorBenchSection = {
  title: `Supervisor memory: RSS of the supervisor process with ${JOBS} jobs running (agents in Docker, scripted model)`,
  figures: [{ figure: `Supervisor RSS, ${JOBS} jobs running (median / max)`, target: '≤ 200 MB' }],

  async run(ctx) {
    const { stack } = ctx;
    const owner = await newMember('Supervisor RSS Bench Owner');
    ctx.teardown.add("the RSS bench owner's Zero client", () => owner.zero.close());
    const project = await createProject(owner, 'RSS');
    const runner = await startDemoRunner({
      dataDir: path.join(stack.dataDir, 'rss-runner'),
      appUrl: stack.appUrl,
      databaseUrl: stack.databaseUrl,
      appEnv: stack.appEnv,
      target: { orgSlug: owner.orgSlug, projectKey: project.key },
      poolSize: JOBS,
      log: (line) => console.log(`  ${line}`),
    });
    if (!runner) throw new Error('the demo runner did not start (see the line above)');
    ctx.teardown.add('the RSS bench runner', () => runner.stop());
    const pid = runner.supervisorPid();
    await poll('the supervisor to register', async () => (await sql(stack.databaseUrl, "SELECT 1 FROM runner WHERE organization_id = $1 AND status = 'online'", [owner.orgID])).length > 0, 120_000, 250);
    await sleep(2_000); // settle after start-up before the baseline
    const idle = await sampleRss(pid);

    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const job = await createJob(ctx.db, { organizationId: owner.orgID, type: 'batch', title: `RSS bench job ${i + 1}`, snapshot: busySnapshot(), requiredLabels: ['demo'] });
      jobIds.push(job.id);
    }
    console.log(`  ${JOBS} jobs created; waiting until each agent runs its command (the first run may build the runner image)`);
    await poll(
      `${JOBS} agents at work`,
      async () => {
        const rows = await sql<{ n: number }>(
          stack.databaseUrl,
          `SELECT count(DISTINCT job_id)::int AS n FROM job_event WHERE job_id = ANY($1) AND type = 'tool_call' AND payload->>'name' = 'Bash'`,
          [jobIds],
        );
        const failed = await sql<{ id: string; status_reason: string }>(stack.databaseUrl, `SELECT id, status_reason FROM job WHERE id = ANY($1) AND status IN ('failed', 'error')`, [jobIds]);
        if (failed.length > 0) throw new Error(`job ${failed[0]!.id} ended: ${failed[0]!.status_reason}`);
        return rows[0]!.n === JOBS;
      },
      20 * 60_000,
      500,
    );
    const [{ running }] = await sql<{ running: number }>(stack.databaseUrl, `SELECT count(*)::int AS running FROM job WHERE id = ANY($1) AND status = 'running'`, [jobIds]);
    const busy = await sampleRss(pid);

    const [median, max] = [percentile(busy, 50), Math.max(...busy)];
    return {
      rows: [{ figure: `Supervisor RSS, ${JOBS} jobs running (median / max)`, measured: `${mb(median)} / ${mb(max)}`, target: '≤ 200 MB', met: max <= 200 * 1024 * 1024 }],
      details: [
        `${SAMPLES} samples ${SAMPLE_GAP_MS} ms apart with ${running} of ${JOBS} jobs Running, each agent in \`sleep 600\`; before any job: median ${mb(percentile(idle, 50))}, max ${mb(Math.max(...idle))}`,
        'the supervisor runs as the demo runner runs it (node --import tsx supervisor/main.ts, NODE_ENV=production): tsx adds its transpiler to the figure',
      ],
    };
  },
};
