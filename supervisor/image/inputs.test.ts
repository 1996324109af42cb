import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packedPackage, resolveClaudeBinary } from './inputs.ts';

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);

describe('runner image inputs', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-inputs-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function writePackage(root: string, name: string, version: string, files: Record<string, Buffer | string>) {
    const dir = path.join(root, 'node_modules', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"project"}');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version }));
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
  }

  it('finds the native binary in the platform package, with its version and size', () => {
    const root = tempDir();
    writePackage(root, `@anthropic-ai/claude-code-${os.platform()}-${os.arch()}`, '2.1.5', { claude: ELF });
    expect(resolveClaudeBinary(root)).toMatchObject({ version: '2.1.5', size: ELF.length });
  });

  it('falls back to the wrapper’s bin/claude.exe only when it is the native binary', () => {
    const root = tempDir();
    writePackage(root, '@anthropic-ai/claude-code', '2.1.6', { 'bin/claude.exe': '#!/bin/sh\necho placeholder\n' });
    expect(() => resolveClaudeBinary(root)).toThrow(/Claude Code binary for the runner image is missing.*run npm install/);
    fs.writeFileSync(path.join(root, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe'), ELF);
    expect(resolveClaudeBinary(root)).toMatchObject({ version: '2.1.6' });
  });

  it('uses the newest cached tarball of the major version without asking the registry', async () => {
    const cacheDir = tempDir();
    for (const file of ['npm-10.2.0.tgz', 'npm-10.10.1.tgz', 'npm-11.0.0.tgz', 'npm-10.9.9.tgz.part']) {
      fs.writeFileSync(path.join(cacheDir, file), '');
    }
    expect(await packedPackage('npm', 10, cacheDir)).toEqual({ tarball: path.join(cacheDir, 'npm-10.10.1.tgz'), version: '10.10.1' });
  });
});
