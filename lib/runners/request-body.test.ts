import { describe, expect, it } from 'vitest';
import { eventsRequest, registerRequest } from '@spedy/protocol/wire';
import { parseRunnerJson } from './request-body.ts';
import { heartbeatIntervalSeconds } from './presence.ts';

describe('parsing what runners send', () => {
  it('names each problem with its path', () => {
    expect(() => parseRunnerJson(registerRequest, JSON.stringify({ name: 1, version: '1', capabilities: [], labels: [], poolSize: 0 }))).toThrow(
      'The request body is invalid: name: Invalid input: expected string, received number; poolSize: Too small: expected number to be >=1.',
    );
  });

  it('refuses text PostgreSQL cannot store, before the schema sees it', () => {
    const event = (payload: unknown) => JSON.stringify({ runnerId: 'r', events: [{ seq: 1, type: 'log', payload, at: 1 }] });
    expect(() => parseRunnerJson(eventsRequest, event({ text: 'a\u0000b' }))).toThrow(/NUL character/);
    expect(() => parseRunnerJson(eventsRequest, event({ ['k\u0000']: 1 }))).toThrow(/NUL character/);
    expect(() => parseRunnerJson(eventsRequest, event({ text: '\ud800' }))).toThrow(/lone surrogate/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { deep };
    expect(() => parseRunnerJson(eventsRequest, event(deep))).toThrow(/nested deeper than 64 levels/);
    expect(parseRunnerJson(eventsRequest, event({ text: 'ünïcødé ✓ 🚀' })).events[0].payload).toEqual({ text: 'ünïcødé ✓ 🚀' });
  });

  it('takes the AI backend a supervisor reports, and none from an older one', () => {
    const body = { name: 'box', version: '1', capabilities: [], labels: [], poolSize: 2 };
    expect(parseRunnerJson(registerRequest, JSON.stringify({ ...body, aiBackend: 'local' })).aiBackend).toBe('local');
    expect(parseRunnerJson(registerRequest, JSON.stringify(body)).aiBackend).toBeUndefined();
    expect(() => parseRunnerJson(registerRequest, JSON.stringify({ ...body, aiBackend: 'oauth' }))).toThrow(/aiBackend: Invalid option: expected one of "key"\|"local"/);
  });

  it('says when the body is not JSON at all', () => {
    expect(() => parseRunnerJson(registerRequest, '{"name":')).toThrow('The request body is not valid JSON.');
  });
});

describe('heartbeat interval', () => {
  it('fits three heartbeats in the offline timeout, at least one every 30 s', () => {
    expect(heartbeatIntervalSeconds(90)).toBe(30);
    expect(heartbeatIntervalSeconds(600)).toBe(30);
    expect(heartbeatIntervalSeconds(12)).toBe(4);
    expect(heartbeatIntervalSeconds(2)).toBe(1);
  });
});
