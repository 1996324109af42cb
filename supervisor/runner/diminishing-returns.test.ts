import { describe, expect, it } from 'vitest';
import { DiminishingReturns, diminishingReturnsMessage, LowOutputStreak } from './diminishing-returns.ts';

const turn = (outputTokens: number, partial = false) => ({ outputTokens, partial });

describe('diminishing returns', () => {
  it('flags the third turn in a row under 500 output tokens, once per streak', () => {
    const streak = new LowOutputStreak();
    expect([120, 499].map((n) => streak.record(n))).toEqual([null, null]);
    expect(streak.record(0)).toEqual([120, 499, 0]);
    // The streak goes on: no second flag for the same streak.
    expect(streak.record(10)).toBeNull();
  });

  it('starts over at a turn of 500 or more', () => {
    const streak = new LowOutputStreak();
    expect([100, 100, 500, 100, 100].map((n) => streak.record(n))).toEqual([null, null, null, null, null]);
    expect(streak.record(100)).toEqual([100, 100, 100]);
    expect(streak.record(2_000)).toBeNull();
    expect([1, 2, 3].map((n) => streak.record(n))).toEqual([null, null, [1, 2, 3]]);
  });

  it('counts each stage on its own and leaves out responses cut short', () => {
    const job = new DiminishingReturns();
    expect(job.observe('backend', turn(50))).toBeNull();
    expect(job.observe('frontend', turn(50))).toBeNull();
    expect(job.observe('backend', turn(60))).toBeNull();
    // Stopped mid-answer: says nothing about the agent, and does not break the streak either.
    expect(job.observe('backend', turn(5, true))).toBeNull();
    expect(job.observe('frontend', turn(900))).toBeNull();
    expect(job.observe('backend', turn(70))).toEqual([50, 60, 70]);
    expect(job.observe('frontend', turn(10))).toBeNull();
  });

  it('says what was seen', () => {
    expect(diminishingReturnsMessage([120, 40, 0])).toBe('Diminishing returns: the last 3 model turns each produced under 500 output tokens (120, 40, 0).');
  });
});
