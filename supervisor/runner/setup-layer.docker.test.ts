import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { startNetnsFileServer, type NetnsFileServer } from '../../test/support/supervisor/netns-file-server.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// Per-repository setup end to end: a repository's setup commands install a tool fetched from a
// test host the team allows (a server in a network namespace, reached only through the job's
// egress proxy) into a layer on top of the runner image, and the stage's validation command, run
// as uid 1000 without capabilities, needs that tool. The layer is built once and reused; a
// changed command builds another; a failing command fails the job with its output.
let kit: RunnerTestKit;
let testHost: NetnsFileServer;
let served: string;
const tags = new Set<string>();

/** An npm package tarball with one command, `spedy-greeter`, that prints its version's greeting. */
async function greeterTarball(version: string): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: 'package/package.json' }, JSON.stringify({ name: 'spedy-greeter', version, bin: { 'spedy-greeter': 'greet.js' } }));
  pack.entry({ name: 'package/greet.js', mode: 0o755 }, `#!/usr/bin/env node\nconsole.log('greetings from the setup layer, version ${version}');\n`);
  pack.finalize();
  await pipeline(pack, zlib.createGzip(), fs.createWriteStream(path.join(served, `greeter-${version}.tgz`)));
}

beforeAll(async () => {
  served = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-setup-host-'));
  fs.chmodSync(served, 0o755);
  await Promise.all([greeterTarball('1.0.0'), greeterTarball('2.0.0')]);
  testHost = await startNetnsFileServer(served);
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'setup-layer' });
});

afterAll(async () => {
  for (const tag of tags) await kit?.docker.getImage(tag).remove().catch(() => undefined);
  await kit?.stop();
  await testHost?.stop();
  if (served) fs.rmSync(served, { recursive: true, force: true });
});

const install = (version: string) => `npm install --global --no-audit --no-fund --no-update-notifier ${testHost.url(`greeter-${version}.tgz`)}`;
const capabilities = 'grep ^CapEff /proc/self/status';

async function jobWithSetup(name: string, setupCommands: string[]) {
  const check = stageSnapshot({ id: 'check', name: 'Check [scenario:echo]', validationCommands: ['spedy-greeter', capabilities], maxRetries: 0 });
  const job = await kit.newJob({ name, steps: [[check]], setupCommands, allowedHosts: [testHost.host] });
  await runToEnd(job.ctx, job.deps);
  for (const layer of job.ctx.eventsOf('setup_layer')) tags.add(String(layer.image));
  return job.ctx;
}

const imageIdOf = async (tag: string) => (await kit.docker.getImage(tag).inspect()).Id;

describe('per-repository setup', () => {
  let firstTag: string;
  /** The test host's requests after the first job (npm fetches a tarball more than once). */
  let firstRequests: string[];

  it('builds the layer as root with the package managers’ capabilities, through the allowed host, and the stages run in it as uid 1000 without any', async () => {
    const ctx = await jobWithSetup('setup-first', [install('1.0.0'), capabilities]);

    const layers = ctx.eventsOf('setup_layer');
    firstTag = String(layers[1]?.image);
    firstRequests = [...testHost.requests];
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    expect(new Set(firstRequests)).toEqual(new Set(['/greeter-1.0.0.tgz']));
    expect(layers.map((layer) => layer.state)).toEqual(['building', 'built']);
    expect(firstTag).toMatch(/^spedy-setup:[0-9a-f]{16}$/);
    expect(layers[1]!.imageId).toBe(await imageIdOf(firstTag));

    // The output streamed into the feed, each command's ending with how it ended.
    const setup = ctx.eventsOf('setup');
    const ended = setup.filter((event) => event.state !== 'running');
    expect(ended.map((event) => [event.command, event.state, event.exitCode])).toEqual([
      [install('1.0.0'), 'passed', 0],
      [capabilities, 'passed', 0],
    ]);
    const outputOf = (command: string) =>
      setup
        .filter((event) => event.command === command)
        .map((event) => event.output)
        .join('\n');
    expect(outputOf(install('1.0.0'))).toContain('added 1 package');
    // CHOWN, DAC_OVERRIDE, FOWNER, FSETID, SETGID and SETUID: bits 0, 1, 3, 4, 6 and 7.
    expect(outputOf(capabilities)).toBe('CapEff:\t00000000000000db');

    // The validation commands ran in the layer, as the runner user with no capabilities.
    expect(ctx.eventsOf('validation').map((check) => [check.command, check.passed, check.output])).toEqual([
      ['spedy-greeter', true, 'greetings from the setup layer, version 1.0.0'],
      [capabilities, true, 'CapEff:\t0000000000000000'],
    ]);
    // The layer keeps the runner image's user and environment, not what the setup ran with.
    const { Config } = await kit.docker.getImage(firstTag).inspect();
    expect(Config.User).toBe('1000:1000');
    expect(Config.Env.join('\n')).not.toMatch(/PROXY|HOME=\/root/i);
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });

  it('reuses the layer for the next job with the same inputs without running anything', async () => {
    const ctx = await jobWithSetup('setup-again', [install('1.0.0'), capabilities]);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    expect(ctx.eventsOf('setup')).toEqual([]);
    expect(ctx.eventsOf('setup_layer')).toEqual([expect.objectContaining({ state: 'reused', image: firstTag, imageId: await imageIdOf(firstTag) })]);
    expect(testHost.requests).toEqual(firstRequests);
    expect(ctx.eventsOf('validation')[0]).toMatchObject({ passed: true, output: 'greetings from the setup layer, version 1.0.0' });
  });

  it('builds a new layer when a command changes', async () => {
    const ctx = await jobWithSetup('setup-changed', [install('2.0.0'), capabilities]);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    const layers = ctx.eventsOf('setup_layer');
    expect(layers.map((layer) => layer.state)).toEqual(['building', 'built']);
    expect(layers[1]!.image).not.toBe(firstTag);
    expect(new Set(testHost.requests.slice(firstRequests.length))).toEqual(new Set(['/greeter-2.0.0.tgz']));
    expect(ctx.eventsOf('validation')[0]).toMatchObject({ passed: true, output: 'greetings from the setup layer, version 2.0.0' });
    // The first layer is still there for jobs that have its inputs.
    expect(await imageIdOf(firstTag)).toMatch(/^sha256:/);
  });

  it('fails the job with the output of a failing command, runs no stage, and leaves no half layer', async () => {
    const missing = `npm install --global --no-audit --no-fund --no-update-notifier ${testHost.url('missing-1.0.0.tgz')}`;
    const ctx = await jobWithSetup('setup-broken', [capabilities, missing]);

    const end = ctx.statuses.at(-1)!;
    expect(end.status).toBe('failed');
    expect(end.reason).toMatch(new RegExp(`^Setup command "${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" of acme/setup-broken-[0-9a-f]+ failed \\(exit code 1\\)\\. Its output ended with:\\n`));
    expect(end.reason).toContain('404');
    const failed = ctx.eventsOf('setup').filter((event) => event.state === 'failed');
    expect(failed).toEqual([expect.objectContaining({ command: missing, exitCode: 1 })]);
    expect(
      ctx
        .eventsOf('setup')
        .filter((event) => event.command === missing)
        .map((event) => event.output)
        .join('\n'),
    ).toContain('404');
    expect(ctx.eventsOf('stage')).toEqual([]);
    const [building] = ctx.eventsOf('setup_layer');
    expect(building).toMatchObject({ state: 'building' });
    expect(await kit.docker.listImages({ all: true, filters: { label: [`spedy.setup=${building!.image}`] } })).toEqual([]);
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });
});
