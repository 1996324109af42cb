// Where a job's files live on the host, under the job folder the supervisor gives it
// (kept across Stop and Continue, and after the job for inspection):
//   workspace/<repo>             the clones, on the job's branch (mounted at /workspace)
//   home/                        the agent's HOME (sessions, so --resume works in a fresh container)
//   skills/<stage>/.claude/...   each stage's skills (mounted read-only)
//   worktrees/<stage>/<repo>     parallel stages' worktrees (mounted at /workspace instead)
// Folders the agent writes belong to the runner user (uid 1000), as do the files host git
// writes there (git-command.ts runs git as that user).
import fs from 'node:fs/promises';
import path from 'node:path';
import { RUNNER_UID } from '../image/runner-image.ts';

export interface JobLayout {
  jobDir: string;
  workspace: string;
  home: string;
  repository(name: string): string;
  skills(stageKey: string): string;
  worktrees(stageKey: string): string;
}

/** A folder name from a stage id or repository name: nothing that walks out of its parent. */
export function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'unnamed';
}

export function jobLayout(jobDir: string): JobLayout {
  return {
    jobDir,
    workspace: path.join(jobDir, 'workspace'),
    home: path.join(jobDir, 'home'),
    repository: (name) => path.join(jobDir, 'workspace', folderName(name)),
    skills: (stageKey) => path.join(jobDir, 'skills', folderName(stageKey)),
    worktrees: (stageKey) => path.join(jobDir, 'worktrees', folderName(stageKey)),
  };
}

/** Creates a folder the agent writes in, owned by the runner user. */
export async function ensureRunnerFolder(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) await fs.chown(dir, RUNNER_UID, RUNNER_UID);
}

/** Creates the folders (again after Continue: nothing is lost) and hands the writable ones to the runner user. */
export async function prepareJobLayout(layout: JobLayout): Promise<void> {
  await fs.mkdir(layout.jobDir, { recursive: true });
  // The runner user must reach its folders through the job folder.
  await fs.chmod(layout.jobDir, 0o755);
  for (const dir of [layout.workspace, layout.home, path.join(layout.jobDir, 'worktrees')]) await ensureRunnerFolder(dir);
  await fs.mkdir(path.join(layout.jobDir, 'skills'), { recursive: true });
}
