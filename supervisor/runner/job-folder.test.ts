import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventLogName, openEventLog, pruneJobLogs, removeJobWork, sweepJobFolders } from './job-folder.ts';

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

  it('removes the work of jobs the platform counts as final or not this runner’s, keeping held Stopped and Waiting ones and those that run here', async () => {
    const dir = jobsDir();
    const ids = ['completed', 'cancelled', 'reassigned', 'stopped', 'waiting', 'running_here', 'log_only'];
    for (const id of ids) {
      fs.mkdirSync(path.join(dir, id, 'home', '.claude'), { recursive: true });
      fs.writeFileSync(path.join(dir, id, eventLogName), '{}\n');
    }
    fs.rmSync(path.join(dir, 'log_only', 'home'), { recursive: true });
    fs.mkdirSync(path.join(dir, '.board-tools'));
    fs.writeFileSync(path.join(dir, '.board-tools', 'tools.mjs'), '');
    const asked: string[][] = [];
    // The platform's answer: the jobs this runner holds, with their status ('reassigned' is another runner's).
    const held = { completed: 'completed', cancelled: 'failed', stopped: 'stopped', waiting: 'waiting_for_input', running_here: 'running' } as const;
    const removed = await sweepJobFolders(
      dir,
      async (jobIds) => {
        asked.push(jobIds);
        return jobIds.flatMap((id) => (id in held ? [{ id, status: held[id as keyof typeof held] }] : []));
      },
      (jobId) => jobId === 'running_here',
    );

    expect(asked.map((jobIds) => [...jobIds].sort())).toEqual([['cancelled', 'completed', 'reassigned', 'stopped', 'waiting']]);
    expect(removed.sort()).toEqual(['cancelled', 'completed', 'reassigned']);
    for (const id of removed) expect(fs.readdirSync(path.join(dir, id))).toEqual([eventLogName]);
    for (const id of ['stopped', 'waiting', 'running_here']) expect(fs.readdirSync(path.join(dir, id)).sort()).toEqual([eventLogName, 'home']);
    expect(fs.readdirSync(path.join(dir, '.board-tools'))).toEqual(['tools.mjs']);
  });
});
