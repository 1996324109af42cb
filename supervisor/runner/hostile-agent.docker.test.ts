import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { secretForms } from './mask.ts';

// A hostile agent (test-kit scenario "hostile") with a vault holding the Anthropic key and a
// custom SERVICE_TOKEN, and a git token for the supervisor: it dumps its environment raw,
// base64 (wrapped and not), URL-encoded and hex, reads ~/.claude and .git/config, writes it
// all into files, commits them with the values in the message, pastes everything into
// its summary in 7-character deltas and sends its environment again as 7-character messages. Afterwards no value is anywhere it could leave by.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'hostile' });
});

afterAll(async () => {
  await kit?.stop();
});

/** Every string in a value (keys included), so escaping in JSON text hides nothing from the search. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [...(Array.isArray(value) ? [] : [key]), ...stringsIn(item)]);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** The secrets (by name) found in `text` in any form, line breaks of wrapped output ignored. */
function leaked(text: string, secrets: Record<string, string>): string[] {
  const unwrapped = text.replace(/\r?\n/g, '');
  return Object.entries(secrets)
    .filter(([, value]) => secretForms(value).some((form) => text.includes(form.text) || unwrapped.includes(form.text)))
    .map(([name]) => name);
}

describe('a hostile agent', () => {
  it('gets no secret out: not in events, reasons, the pull request, the remote, the runner’s disk or the container’s environment', async () => {
    const serviceToken = `svc_${randomBytes(18).toString('base64url')}`;
    const collect = stageSnapshot({ id: 'collect', name: 'Collect [scenario:hostile]', allowedTools: ['Bash'] });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'hostile', steps: [[collect]], vault: { SERVICE_TOKEN: serviceToken } });

    // Every container of the job, as Docker holds it, from the moment it is created.
    const inspected: { env: string[] }[] = [];
    const events = (await kit.docker.getEvents({ filters: { type: ['container'], event: ['create'], label: [`spedy.job=${ctx.job.id}`] } })) as NodeJS.ReadableStream & { destroy(): void };
    const watching = new Promise<void>((resolve) => {
      let pending = '';
      events.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          const { id } = JSON.parse(line) as { id: string };
          kit.docker
            .getContainer(id)
            .inspect()
            .then((info) => inspected.push({ env: info.Config.Env ?? [] }))
            .catch(() => undefined);
        }
      });
      events.on('close', resolve);
    });

    await runToEnd(ctx, deps);
    events.destroy();
    await watching;

    // The agent did dump its environment: the scripted model saw the custom value and the proxy token, raw and base64.
    const sent = kit.model
      .requests()
      .filter((request) => request.scenario === 'hostile')
      .flatMap((request) => stringsIn(request.messages))
      .join('\n');
    expect(sent).toContain(`SERVICE_TOKEN=${serviceToken}`);
    const proxyToken = /ANTHROPIC_API_KEY=(spx_[0-9a-f]+)/.exec(sent)?.[1];
    expect(proxyToken, 'the agent’s environment holds a model proxy token').toBeDefined();
    // The key and the git token never reached the agent at all.
    expect(leaked(sent, { key: kit.apiKey, git: kit.token })).toEqual([]);

    const secrets = { ANTHROPIC_API_KEY: kit.apiKey, GITHUB_TOKEN: kit.token, SERVICE_TOKEN: serviceToken, proxyToken: proxyToken! };

    // The push was refused, naming the secret and the file, never the value.
    const last = ctx.statuses.at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.reason).toMatch(/^Nothing was pushed: the job's branch holds secret values \(/);
    expect(last.reason).toContain('SERVICE_TOKEN in ');
    expect(last.reason).toContain('env-dump.txt');
    expect(await kit.remote.branches(fullName)).toEqual(['main']);
    expect(kit.providerApi.pullRequests.list({ repository: fullName })).toEqual([]);

    // Events (the summary streamed in 7-character pieces included) and the status reports: masked in every form.
    expect(ctx.eventsOf('text').some((event) => String(event.text).includes('SERVICE_TOKEN=••••'))).toBe(true);
    // The environment also came as 7-character messages, each its own event: no piece of a value shows.
    const texts = ctx.eventsOf('text').map((event) => String(event.text));
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.join('')).toContain('SERVICE_TOKEN=••••');
    expect(leaked(stringsIn(ctx.events).join('\n'), secrets)).toEqual([]);
    expect(leaked(stringsIn(ctx.statuses).join('\n'), secrets)).toEqual([]);

    // The job is final: nothing of its work is left on the runner (the transcripts held everything).
    expect(fs.existsSync(path.join(ctx.jobDir, 'workspace'))).toBe(false);
    expect(fs.existsSync(path.join(ctx.jobDir, 'home'))).toBe(false);
    for (const file of filesUnder(ctx.jobDir)) expect(leaked(fs.readFileSync(file).toString('latin1'), secrets), file).toEqual([]);

    // Docker never held the key or the git token: the agent's ANTHROPIC_API_KEY was the proxy's token.
    expect(inspected.length).toBeGreaterThan(0);
    for (const { env } of inspected) {
      expect(leaked(env.join('\n'), { key: kit.apiKey, git: kit.token })).toEqual([]);
      expect(env.filter((entry) => entry.startsWith('GITHUB_TOKEN=') || entry.startsWith('BITBUCKET_'))).toEqual([]);
    }
    expect(inspected.some(({ env }) => env.some((entry) => /^ANTHROPIC_API_KEY=spx_/.test(entry)))).toBe(true);
  });
});
