import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDockerEngine } from './docker-engine.ts';

describe('private Docker engine folders', () => {
  it('refuses a run folder whose sockets would exceed the unix path limit, naming the limit', async () => {
    const dataDir = path.join(os.tmpdir(), `spedy-engine-data-${process.pid}`);
    const deep = path.join(os.tmpdir(), 'x'.repeat(90));
    await expect(startDockerEngine({ dataDir, runParent: deep })).rejects.toThrow(/104-byte limit of unix socket paths/);
    expect(fs.existsSync(deep)).toBe(false);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
