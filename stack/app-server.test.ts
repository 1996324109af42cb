import { describe, expect, it } from 'vitest';
import { appStopGraceMs } from './app-server.ts';

describe('stopping the app server', () => {
  it('waits longer than the app’s own drain timeout before it kills it', () => {
    expect(appStopGraceMs({})).toBeGreaterThan(10_000);
    expect(appStopGraceMs({ SPEDY_SHUTDOWN_TIMEOUT_MS: '60000' })).toBeGreaterThan(60_000);
    expect(appStopGraceMs({ SPEDY_SHUTDOWN_TIMEOUT_MS: '0' })).toBeGreaterThan(0);
  });
});
