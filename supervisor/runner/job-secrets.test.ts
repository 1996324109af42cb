import { describe, expect, it } from 'vitest';
import { JobSecrets } from './job-secrets.ts';

describe('a job’s secret set', () => {
  it('hides the values it started with, a refreshed bundle’s and the MCP credentials fetched through it', async () => {
    let bundle = { env: { NPM_TOKEN: 'npm-token-before-refresh' }, git: [{ provider: 'github' as const, apiUrl: 'https://api.github.com', token: 'ghs_git-token-0123', username: null }] };
    const set = new JobSecrets({
      values: ['spedy_rt_runner-token-0123', undefined],
      current: () => bundle,
      fetchMcpCredentials: async () => [{ id: 'mcp_1', kind: 'env', values: { LINEAR_API_KEY: 'lin_api_fetched-0123' } }],
    });
    const text = 'spedy_rt_runner-token-0123 npm-token-before-refresh ghs_git-token-0123 lin_api_fetched-0123 npm-token-after-refresh';
    expect(set.mask(text)).toBe('•••• •••• •••• lin_api_fetched-0123 npm-token-after-refresh');

    await set.mcpCredentials();
    bundle = { ...bundle, env: { NPM_TOKEN: 'npm-token-after-refresh' } };
    expect(set.mask(text)).toBe('•••• npm-token-before-refresh •••• •••• ••••');
  });

  it('masks status details (the reason bounded, the result as JSON) and log lines, keys included', () => {
    const set = new JobSecrets({ values: ['secret-value-0123'] });
    const details = set.maskStatusDetails({ reason: `failed with secret-value-0123 ${'x'.repeat(3000)}`, result: { 'secret-value-0123': ['secret-value-0123'], at: new Date(0) } });
    expect(details.reason).toHaveLength(2000);
    expect(details.reason?.startsWith('failed with •••• x')).toBe(true);
    expect(details.result).toEqual({ '••••': ['••••'], at: '1970-01-01T00:00:00.000Z' });

    const lines: [object, string][] = [];
    const write = (obj: object, msg: string) => lines.push([obj, msg]);
    const log = set.maskLog({ info: write, warn: write, error: write, debug: write, child: () => ({ info: write, warn: write, error: write, debug: write }) });
    log.child!({ jobId: 'job_1' }).warn({ err: new Error('refused secret-value-0123') }, 'push with secret-value-0123 failed');
    expect(lines[0]![1]).toBe('push with •••• failed');
    expect(lines[0]![0]).toMatchObject({ err: { type: 'Error', message: 'refused ••••' } });
    expect(JSON.stringify(lines)).not.toContain('secret-value-0123');
  });
});

describe('masking before cutting to length', () => {
  it('hides a secret that straddles where an event’s text is cut', async () => {
    const { prepareEvent } = await import('../streamer/event-payload.ts');
    const { jobEvent, maxEventTextLength } = await import('./job-events.ts');
    const secret = 'straddling-secret-0123456789';
    const set = new JobSecrets({ values: [{ name: 'SERVICE_TOKEN', value: secret }] });
    const text = `${'x'.repeat(maxEventTextLength - 10)}${secret} and more`;
    const { payload } = prepareEvent(jobEvent.text('s', text), set.mask);
    expect(String(payload.text)).not.toContain(secret.slice(0, 10));
    expect(String(payload.text)).toContain('••••');
    expect(set.find(`leaked ${Buffer.from(secret).toString('base64')}`)).toEqual([{ name: 'SERVICE_TOKEN', kind: 'base64' }]);
  });
});
