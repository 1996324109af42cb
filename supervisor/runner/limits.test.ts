import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDuration, JobLimits, LimitReached } from './limits.ts';

// The limits count time of work: the clocks run on fake timers here, so a paused hour costs no test time.
const limits = { stageTimeLimitSeconds: 30 * 60, jobTimeLimitSeconds: 2 * 3600, idleLimitSeconds: 10 * 60 };
const reasonOf = (signal: AbortSignal) => (signal.reason instanceof LimitReached ? signal.reason.message : signal.reason);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('JobLimits', () => {
  it('ends a stage at its wall-clock limit, with the stage named', () => {
    const job = new JobLimits(limits);
    job.startJob();
    job.startStage('Implement');
    vi.advanceTimersByTime(30 * 60_000 - 1);
    expect(job.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(reasonOf(job.signal)).toBe('Stage Implement ran for 30 min, its limit.');
    job.close();
  });

  it('does not count time waiting for a person or stopped, toward any limit', () => {
    const job = new JobLimits(limits);
    job.startJob();
    job.startStage('Implement');
    const agent = job.agentRunning('Implement');
    vi.advanceTimersByTime(9 * 60_000);
    job.statusChanged('waiting_for_input');
    vi.advanceTimersByTime(5 * 3600_000);
    job.statusChanged('executing');
    vi.advanceTimersByTime(60_000 - 1);
    job.statusChanged('stopped');
    vi.advanceTimersByTime(5 * 3600_000);
    job.statusChanged('running');
    expect(job.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(reasonOf(job.signal)).toBe('The agent of stage Implement was idle for 10 min (no agent event), its limit.');
    agent.end();
    job.close();
  });

  it('restarts the idle clock at each agent event, and ends the job at its own limit', () => {
    const job = new JobLimits(limits);
    job.startJob();
    for (let stage = 1; stage <= 5; stage++) {
      const endStage = job.startStage(`S${stage}`);
      const agent = job.agentRunning(`S${stage}`);
      for (let minute = 0; minute < 25; minute++) {
        vi.advanceTimersByTime(60_000);
        agent.touch();
      }
      agent.end();
      endStage();
      if (job.signal.aborted) break;
    }
    expect(reasonOf(job.signal)).toBe('The job ran for 2 h, its limit.');
    job.close();
  });

  it('formats limits as a person set them', () => {
    expect([formatDuration(1800), formatDuration(7200), formatDuration(45), formatDuration(90)]).toEqual(['30 min', '2 h', '45 s', '1 min 30 s']);
  });
});
