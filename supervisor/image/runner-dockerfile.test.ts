import { describe, expect, it } from 'vitest';
import { BASE_IMAGE } from './base-image.ts';
import { RUNNER_HOME, RUNNER_UID, RUNNER_WORKDIR, runnerDockerfile, runnerImageTag } from './runner-image.ts';

const inputs = {
  node: { tarball: 'node.tgz', version: '22.1.0' },
  npm: { tarball: 'npm.tgz', version: '10.9.0' },
  claude: { path: 'claude', version: '2.1.0', size: 100 },
};

describe('the runner Dockerfile', () => {
  const dockerfile = runnerDockerfile();
  const argDefault = (name: string) => new RegExp(`^ARG ${name}=(.*)$`, 'm').exec(dockerfile)?.[1];

  it('takes its base as a build argument, defaulting to the base debootstrap makes here', () => {
    expect(dockerfile.split('\n').find((line) => line.startsWith('FROM'))).toBe('FROM ${BASE} AS debian-node');
    expect(argDefault('BASE')).toBe(BASE_IMAGE);
  });

  it('defaults to the user the supervisor starts containers as (its build passes the same values)', () => {
    expect(argDefault('RUNNER_UID')).toBe(String(RUNNER_UID));
    expect(argDefault('RUNNER_HOME')).toBe(RUNNER_HOME);
    expect(argDefault('RUNNER_WORKDIR')).toBe(RUNNER_WORKDIR);
  });

  it('ends with the runner stage, so a build without a target is the runner image', () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['debian-node', 'runner']);
  });

  it('is part of the tag, and so are a base other than the default and a test hold', () => {
    const tag = runnerImageTag(inputs);
    expect(runnerImageTag(inputs, { baseImage: BASE_IMAGE })).toBe(tag);
    expect(runnerImageTag(inputs, { baseImage: 'debian:bookworm-slim' })).not.toBe(tag);
    expect(runnerImageTag(inputs, { baseImage: BASE_IMAGE, holdUrl: 'http://127.0.0.1:4000/' })).not.toBe(tag);
    expect(runnerImageTag(inputs, { baseImage: BASE_IMAGE }, `${dockerfile}\n# changed\n`)).not.toBe(tag);
  });
});
