import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startModelServer } from '../../test-kit/model-server/server.ts';
import { createModelProxy } from '../model-proxy/model-proxy.ts';
import { responseUsageEvent } from './model-access.ts';
import { budgetReachedReason, isBudgetReachedReason, type BudgetLimits } from '@spedy/protocol/budget';
import { BudgetMeter, BudgetReached, recordedUsage, usageOf } from './budget.ts';
import type { JobEvent } from './job-context.ts';
import { jobEvent } from './job-events.ts';
import { eventLogName } from './job-folder.ts';

const limits = (changes: Partial<BudgetLimits> = {}): BudgetLimits => ({
  maxCostUsd: null,
  maxTurns: null,
  maxInputTokens: null,
  maxOutputTokens: null,
  warningThresholdPercent: 80,
  ...changes,
});
const usage = (costUsd: number, tokens: Partial<{ input: number; output: number; cacheRead: number; cacheWrite: number }> = {}) =>
  jobEvent.usage('impl', {
    model: 'claude-sonnet-4-6',
    inputTokens: tokens.input ?? 0,
    outputTokens: tokens.output ?? 0,
    cacheReadTokens: tokens.cacheRead ?? 0,
    cacheWriteTokens: tokens.cacheWrite ?? 0,
    costUsd,
  });

function meterWith(current: { limits: BudgetLimits }) {
  const events: JobEvent[] = [];
  const meter = new BudgetMeter(() => current.limits, (event) => events.push(event));
  const budgetEvents = () => events.filter((e) => e.type === 'budget').map((e) => e.payload as Record<string, unknown>);
  return { meter, budgetEvents };
}

describe('the job budget meter', () => {
  it('counts input as input + cache read + cache write, one turn per response, cost from the event or the price list', () => {
    expect(usageOf(usage(0.5, { input: 100, output: 20, cacheRead: 1000, cacheWrite: 300 }))).toEqual({ costUsd: 0.5, inputTokens: 1400, outputTokens: 20, turns: 1 });
    const unpriced = jobEvent.usage('impl', { model: 'claude-sonnet-4-6', inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(usageOf(unpriced)?.costUsd).toBeCloseTo(3);
    expect(usageOf(jobEvent.notice('hi'))).toBeNull();
  });

  it('warns once past the threshold, then at the cap aborts its signal with the reason and refuses the next request', () => {
    const current = { limits: limits({ maxCostUsd: 4 }) };
    const { meter, budgetEvents } = meterWith(current);
    meter.observe(usage(3));
    expect(budgetEvents()).toEqual([]);
    meter.observe(usage(0.3));
    meter.observe(usage(0.1));
    expect(budgetEvents()).toEqual([expect.objectContaining({ state: 'warning', figure: 'costUsd', message: expect.stringContaining('$3.30 of $4.00') })]);
    expect(meter.signal.aborted).toBe(false);
    expect(meter.admit()).toBeNull();

    meter.observe(usage(0.62));
    expect(meter.signal.aborted).toBe(true);
    const reason = meter.signal.reason as BudgetReached;
    expect(reason).toBeInstanceOf(BudgetReached);
    expect(reason.message).toBe('Budget reached: $4.02 of $4.00');
    expect(meter.admit()).toMatchObject({ status: 429, message: expect.stringContaining('Budget reached: $4.02 of $4.00') });
    expect(meter.used).toMatchObject({ turns: 4 });
    expect(budgetEvents()).toHaveLength(1);
  });

  it('a raise too small stays at the cap; a raise above the usage gives a fresh signal and admits again', () => {
    const current = { limits: limits({ maxCostUsd: 4 }) };
    const { meter, budgetEvents } = meterWith(current);
    meter.observe(usage(4.02));
    const stopped = meter.signal;
    current.limits = limits({ maxCostUsd: 4.01 });
    expect(meter.raised()?.message).toBe('Budget reached: $4.02 of $4.01');
    current.limits = limits({ maxCostUsd: 6 });
    expect(meter.raised()).toBeNull();
    expect(stopped.aborted).toBe(true);
    expect(meter.signal.aborted).toBe(false);
    expect(meter.admit()).toBeNull();
    expect(budgetEvents().at(-1)).toMatchObject({ state: 'raised', message: expect.stringContaining('$4.02 of $6.00') });
    // Past the new threshold (80% of $6 = $4.80) it warns again.
    meter.observe(usage(0.8));
    expect(budgetEvents().at(-1)).toMatchObject({ state: 'warning', figure: 'costUsd' });
  });

  it('holds tokens and turns the same way, whichever figure reaches its cap first', () => {
    const current = { limits: limits({ maxTurns: 3, maxInputTokens: 10_000, maxOutputTokens: 500 }) };
    const { meter } = meterWith(current);
    meter.observe(usage(0, { input: 100, cacheRead: 4000, cacheWrite: 1000, output: 100 }));
    meter.observe(usage(0, { input: 100, cacheRead: 4000, output: 100 }));
    expect(meter.signal.aborted).toBe(false);
    meter.observe(usage(0, { input: 100, cacheRead: 800, output: 100 }));
    expect((meter.signal.reason as BudgetReached).message).toBe('Budget reached: 10,100 input tokens of 10,000');
    current.limits = limits({ maxTurns: 3, maxInputTokens: 20_000, maxOutputTokens: 500 });
    expect(meter.raised()?.message).toBe('Budget reached: 3 turns of 3');
  });

  it('starts from the usage in the job folder’s event log after a restart', async () => {
    const jobDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-budget-'));
    try {
      expect(await recordedUsage(jobDir)).toEqual({ costUsd: 0, inputTokens: 0, outputTokens: 0, turns: 0 });
      const lines = [usage(1.5, { input: 10, output: 5 }), jobEvent.notice('hi'), usage(2.6, { cacheRead: 90, output: 5 })].map((event, i) => JSON.stringify({ seq: i + 1, at: 0, ...event }));
      await fs.writeFile(path.join(jobDir, eventLogName), `${lines.join('\n')}\n{"cut short`);
      const recorded = await recordedUsage(jobDir);
      expect(recorded).toEqual({ costUsd: 4.1, inputTokens: 100, outputTokens: 10, turns: 2 });
      const { meter } = meterWith({ limits: limits({ maxCostUsd: 4 }) });
      meter.seed(recorded);
      expect((meter.signal.reason as BudgetReached).message).toBe('Budget reached: $4.10 of $4.00');
    } finally {
      await fs.rm(jobDir, { recursive: true, force: true });
    }
  });

  it('names a pause at a cap so the platform can tell it apart', () => {
    expect(isBudgetReachedReason(budgetReachedReason('outputTokens', 1200, 1000))).toBe(true);
    expect(budgetReachedReason('outputTokens', 1200, 1000)).toBe('Budget reached: 1,200 output tokens of 1,000');
    expect(isBudgetReachedReason('No progress: `npm test` failed the same way 3 times')).toBe(false);
    expect(isBudgetReachedReason(null)).toBe(false);
  });

  it('lets the answer that reaches the cap finish through the model proxy, and refuses the next request without asking the model', async () => {
    const model = await startModelServer();
    const proxy = createModelProxy();
    await proxy.listen({ port: 0 });
    try {
      // The first edit-and-test answer costs $0.0387 at Sonnet's list prices.
      const { meter, budgetEvents } = meterWith({ limits: limits({ maxCostUsd: 0.03 }) });
      const { token } = proxy.grant({ upstream: model.url, admit: () => meter.admit(), onUsage: (usage) => meter.observe(responseUsageEvent('impl', usage)) });
      const ask = () =>
        fetch(`${proxy.url}/v1/messages?beta=true`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: '[scenario:edit-and-test] Add a greeting.' }] }),
        });

      const first = await ask();
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('event: message_stop');
      await expect.poll(() => meter.signal.aborted).toBe(true);
      expect((meter.signal.reason as BudgetReached).message).toBe('Budget reached: $0.04 of $0.03');

      const next = await ask();
      expect(next.status).toBe(429);
      expect(await next.json()).toMatchObject({ error: { message: expect.stringContaining('Budget reached: $0.04 of $0.03') } });
      expect(model.requests().filter((request) => request.path.startsWith('/v1/messages'))).toHaveLength(1);
      expect(budgetEvents().map((event) => event.state)).toEqual(['warning']);
    } finally {
      await proxy.close();
      await model.stop();
    }
  });
});
