import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { namedFileDigests, setupLayerTag, type SetupLayerInputs } from './setup-layer-tag.ts';

const inputs: SetupLayerInputs = {
  runnerImageId: 'sha256:1111',
  allowedHosts: ['pypi.org:443', 'files.pythonhosted.org:443'],
  repositories: [{ commands: ['apt-get install -y python3-venv', 'pip install -r requirements.txt'], files: { 'requirements.txt': 'aa' } }],
};

describe('setupLayerTag', () => {
  it('is the same for the same inputs, whatever order the hosts are listed in', () => {
    expect(setupLayerTag(inputs)).toMatch(/^spedy-setup:[0-9a-f]{16}$/);
    expect(setupLayerTag({ ...inputs, allowedHosts: [...inputs.allowedHosts].reverse() })).toBe(setupLayerTag(inputs));
  });

  it.each<[string, Partial<SetupLayerInputs>]>([
    ['a rebuilt runner image', { runnerImageId: 'sha256:2222' }],
    ['another allowed host', { allowedHosts: [...inputs.allowedHosts, 'deb.debian.org:80'] }],
    ['a changed command', { repositories: [{ ...inputs.repositories[0]!, commands: ['apt-get install -y python3-venv', 'pip install -r requirements-dev.txt'] }] }],
    ['commands in another order', { repositories: [{ ...inputs.repositories[0]!, commands: [...inputs.repositories[0]!.commands].reverse() }] }],
    ['a changed file a command names', { repositories: [{ ...inputs.repositories[0]!, files: { 'requirements.txt': 'bb' } }] }],
    ['the commands split over two repositories', { repositories: [{ commands: ['apt-get install -y python3-venv'], files: {} }, { commands: ['pip install -r requirements.txt'], files: { 'requirements.txt': 'aa' } }] }],
  ])('changes with %s', (_what, change) => {
    expect(setupLayerTag({ ...inputs, ...change })).not.toBe(setupLayerTag(inputs));
  });
});

describe('namedFileDigests', () => {
  let workspace: string;
  let repositoryDir: string;
  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-files-'));
    repositoryDir = path.join(workspace, 'app');
    fs.mkdirSync(path.join(repositoryDir, 'tools'), { recursive: true });
    fs.writeFileSync(path.join(repositoryDir, 'requirements.txt'), 'requests==2.32.3\n');
    fs.writeFileSync(path.join(repositoryDir, 'tools', 'constraints.txt'), 'urllib3<3\n');
  });
  afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));

  const digests = (...commands: string[][]) => namedFileDigests({ workspace, repositoryDir, commands });
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hashes the files the commands name, relative to the repository, as --option=value, or under /workspace', async () => {
    expect(await digests(['pip', 'install', '-r', 'requirements.txt', '--constraint=tools/constraints.txt'], ['cat', '/workspace/app/requirements.txt'])).toEqual({
      'requirements.txt': sha('requests==2.32.3\n'),
      'tools/constraints.txt': sha('urllib3<3\n'),
      '/workspace/app/requirements.txt': sha('requests==2.32.3\n'),
    });
  });

  it('follows a change of a named file', async () => {
    const before = await digests(['pip', 'install', '-r', 'requirements.txt']);
    fs.writeFileSync(path.join(repositoryDir, 'requirements.txt'), 'requests==2.32.4\n');
    expect(await digests(['pip', 'install', '-r', 'requirements.txt'])).not.toEqual(before);
  });

  it('leaves out folders, missing files, the command itself, and anything outside the workspace, links included', async () => {
    const outside = path.join(os.tmpdir(), `setup-outside-${process.pid}.txt`);
    fs.writeFileSync(outside, 'secret\n');
    fs.symlinkSync(outside, path.join(repositoryDir, 'escape.txt'));
    try {
      expect(await digests(['requirements.txt', 'tools', 'missing.txt', '../../etc/passwd', '/etc/passwd', outside, 'escape.txt'])).toEqual({});
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });
});
