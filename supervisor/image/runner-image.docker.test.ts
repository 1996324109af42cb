import { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { describe, expect, inject, it } from 'vitest';
import { BASE_IMAGE } from './base-image.ts';
import { imageExists } from './image-exists.ts';
import { followProgress } from './progress.ts';
import { ensureRunnerImage, removeOlderRunnerImages, runnerImageTag } from './runner-image.ts';

const docker = new Docker({ socketPath: inject('dockerSocket') });

function context(dockerfile: string): Readable {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  pack.finalize();
  return Readable.from(pack);
}

describe('runner image', () => {
  it('is cached by the hash of its inputs: a second call finds it without building', async () => {
    const before = await docker.getImage(inject('runnerImage')).inspect();
    const tag = await ensureRunnerImage({ docker });
    expect(tag).toBe(inject('runnerImage'));
    // A rebuild would make a new image (new id, new creation time).
    const after = await docker.getImage(tag).inspect();
    expect({ id: after.Id, created: after.Created }).toEqual({ id: before.Id, created: before.Created });
    expect(await imageExists(docker, BASE_IMAGE)).toBe(true);
  });

  it('changes its tag when an input changes', () => {
    const inputs = {
      node: { tarball: 'node.tgz', version: '22.1.0' },
      npm: { tarball: 'npm.tgz', version: '10.9.0' },
      claude: { path: 'claude', version: '2.1.0', size: 100 },
    };
    const tag = runnerImageTag(inputs);
    expect(tag).toMatch(/^spedy-runner:[0-9a-f]{16}$/);
    expect(runnerImageTag({ ...inputs })).toBe(tag);
    expect(runnerImageTag({ ...inputs, node: { ...inputs.node, version: '22.2.0' } })).not.toBe(tag);
    expect(runnerImageTag({ ...inputs, claude: { ...inputs.claude, size: 101 } })).not.toBe(tag);
  });

  it('reports a failed build with the engine’s message (dockerode itself does not reject)', async () => {
    const progress = await docker.buildImage(context(`FROM ${BASE_IMAGE}\nRUN echo about to fail && exit 3\n`), {
      t: 'spedy-test:failing',
      forcerm: true,
    });
    await expect(followProgress(progress, 'Building spedy-test:failing')).rejects.toThrow(/returned a non-zero code: 3/);
    expect(await imageExists(docker, 'spedy-test:failing')).toBe(false);
  });

  it('removes earlier runner images once a new one is built, keeping the current one', async () => {
    const current = inject('runnerImage');
    await docker.getImage(BASE_IMAGE).tag({ repo: 'spedy-runner', tag: 'earlier-test' });
    expect(await imageExists(docker, 'spedy-runner:earlier-test')).toBe(true);
    await removeOlderRunnerImages(docker, current);
    expect(await imageExists(docker, 'spedy-runner:earlier-test')).toBe(false);
    expect(await imageExists(docker, current)).toBe(true);
    expect(await imageExists(docker, BASE_IMAGE)).toBe(true);
  });
});
