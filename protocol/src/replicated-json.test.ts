import { describe, expect, it } from 'vitest';
import { replicatedJsonObject, unsafeNumberPath } from './replicated-json.ts';
import { jobEventInput } from './wire.ts';

describe('replicated JSON', () => {
  it('finds the first number beyond ±2^53, however deep', () => {
    expect(unsafeNumberPath({ a: 1, b: [1, { c: 2 ** 53 }] })).toBe('b.1.c');
    expect(unsafeNumberPath({ a: -1e300 })).toBe('a');
    expect(unsafeNumberPath({ a: Number.MAX_SAFE_INTEGER, b: 0.5, c: 'a string of 1e300' })).toBeNull();
  });

  it('refuses an event payload that holds one, naming where, and takes the rest', () => {
    const event = { seq: 1, type: 'usage', at: 1, payload: { usage: { input_tokens: 1e300 } } };
    const refused = jobEventInput.safeParse(event);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('usage.input_tokens is a number beyond ±9007199254740991, which the board cannot show; send it as a string');
    expect(jobEventInput.safeParse({ ...event, payload: { usage: { input_tokens: 12 } } }).success).toBe(true);
    expect(replicatedJsonObject.safeParse({ total: 2 ** 53 - 1 }).success).toBe(true);
  });
});
