import { describe, expect, it } from 'vitest';
import { activeJobStatuses, assertTransition, canHandBack, canTransition, isFinalJobStatus, jobStatuses } from './job-status.ts';

describe('job status machine', () => {
  it('follows the happy path from Ready to Completed', () => {
    const path = ['ready', 'claimed', 'preparing', 'executing', 'running', 'syncing', 'completed'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });
  it('lets Waiting for Input resume, and Stopped continue', () => {
    expect(canTransition('running', 'waiting_for_input')).toBe(true);
    expect(canTransition('waiting_for_input', 'executing')).toBe(true);
    expect(canTransition('running', 'stopped')).toBe(true);
    expect(canTransition('stopped', 'ready')).toBe(true);
  });
  it('lets a working job be handed back, but not one that waits for a person', () => {
    for (const status of ['claimed', 'preparing', 'executing', 'running', 'syncing'] as const) expect(canHandBack(status)).toBe(true);
    for (const status of ['ready', 'stopped', 'waiting_for_input', 'completed', 'failed', 'error'] as const) expect(canHandBack(status)).toBe(false);
  });
  it('never leaves a final status', () => {
    for (const from of jobStatuses.filter(isFinalJobStatus)) {
      for (const to of jobStatuses) expect(canTransition(from, to)).toBe(false);
    }
  });
  it('refuses illegal transitions with a readable message', () => {
    expect(() => assertTransition('completed', 'running')).toThrow('A job that is Completed cannot become Running.');
    expect(() => assertTransition('ready', 'syncing')).toThrow(/Ready cannot become Syncing/);
  });
  it('counts stopped jobs as active (they can be continued)', () => {
    expect(activeJobStatuses).toContain('stopped');
    expect(activeJobStatuses).not.toContain('failed');
  });
});
