import { describe, expect, it } from 'vitest';
import { assessHealth, type HealthInputs } from './health.ts';

const now = 1_000_000;
const healthy: HealthInputs = { stopping: false, socketOpen: true, lastPlatformAnswerAt: now - 1_000, heartbeatIntervalMs: 15_000, dockerReachable: true, now };

describe('supervisor health', () => {
  it('is healthy while the socket is open and the engine answers', () => {
    expect(assessHealth(healthy)).toEqual({ healthy: true });
    expect(assessHealth({ ...healthy, dockerReachable: null })).toEqual({ healthy: true });
  });

  it('stays healthy on HTTP heartbeats while the socket is down, until two intervals pass without an answer', () => {
    expect(assessHealth({ ...healthy, socketOpen: false, lastPlatformAnswerAt: now - 30_000 })).toEqual({ healthy: true });
    const gone = assessHealth({ ...healthy, socketOpen: false, lastPlatformAnswerAt: now - 31_000 });
    expect(gone).toEqual({ healthy: false, reasons: [expect.stringMatching(/not connected to the platform.*31 s/)] });
  });

  it('names every reason: the engine, the platform and stopping', () => {
    const health = assessHealth({ ...healthy, stopping: true, socketOpen: false, lastPlatformAnswerAt: now - 60_000, dockerReachable: false });
    expect(health.healthy).toBe(false);
    expect(!health.healthy && health.reasons).toEqual([
      expect.stringContaining('stopping'),
      expect.stringContaining('not connected to the platform'),
      expect.stringContaining('Docker engine does not answer'),
    ]);
  });
});
