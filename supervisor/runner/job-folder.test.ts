import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventLogName, openEventLog, pruneJobLogs, removeJobWork } from './job-folder.ts';

const roots: string[] = [];
function jobsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-jobs-'));
  roots.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a job’s folder on the runner', () => {
  it('keeps only the masked event log once the work is removed', async () => {
    const jobDir = path.join(jobsDir(), 'job_1');
    for (const dir of ['workspace/app/.git', 'home/.claude/projects/x', 'skills/1-a', 'worktrees/1-a']) fs.mkdirSync(path.join(jobDir, dir), { recursive: true });
    fs.writeFileSync(path.join(jobDir, 'home/.claude/projects/x/session.jsonl'), 'secret transcript');
    const log = openEventLog(jobDir);
    log.write({ seq: 1, type: 'text', payload: { text: '••••' } });
    await log.close();

    await removeJobWork(jobDir);

    expect(fs.readdirSync(jobDir)).toEqual([eventLogName]);
    expect(fs.readFileSync(path.join(jobDir, eventLogName), 'utf8')).toBe('{"seq":1,"type":"text","payload":{"text":"••••"}}\n');
  });

  it('prunes finished jobs’ logs past their retention, never a folder that still holds work or a running job’s', async () => {
    const dir = jobsDir();
    const day = 86_400_000;
    const now = Date.now();
    const make = (id: string, ageDays: number, work: boolean) => {
      fs.mkdirSync(path.join(dir, id, work ? 'workspace' : ''), { recursive: true });
      const file = path.join(dir, id, eventLogName);
      fs.writeFileSync(file, '{}\n');
      fs.utimesSync(file, new Date(now - ageDays * day), new Date(now - ageDays * day));
    };
    make('job_old', 20, false);
    make('job_recent', 2, false);
    make('job_stopped', 20, true);
    make('job_running', 20, false);

    const removed = await pruneJobLogs(dir, 14, { now, keep: new Set(['job_running']) });

    expect(removed).toEqual(['job_old']);
    expect(fs.readdirSync(dir).sort()).toEqual(['job_recent', 'job_running', 'job_stopped']);
  });
});
