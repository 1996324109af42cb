// The containers of a stage: the agent, and the validation commands after it. Both see
// the stage's workspace at /workspace (read-only for planners, the hard guarantee that a
// planning stage changes nothing), run as the runner user without a network, reaching the
// model, the board tools and the team's allowed hosts only through the job's sockets and the
// relay in front of their command (supervisor/egress/), within the supervisor's limits, and
// carry the job's and stage's labels, by which leftovers are removed.
import path from 'node:path';
import { skillsContainerDir } from '../agent/claude-command.ts';
import { ContainerLabel, type BindMount, type StageContainerSpec } from '../container/stage-container.ts';
import type { JobSockets } from '../egress/job-sockets.ts';
import { RUNNER_HOME, RUNNER_UID, RUNNER_WORKDIR } from '../image/runner-image.ts';
import type { JobRun, StageState } from './job-run.ts';

/** Where a stage works on the host. */
export interface StagePlace {
  /** Mounted at /workspace: the job's workspace, or the stage's worktrees. */
  workspace: string;
  /** The main clones' .git folders, mounted at their host paths so worktrees resolve inside the container. */
  gitDirs: string[];
}

export function mainPlace(run: JobRun): StagePlace {
  return { workspace: run.layout.workspace, gitDirs: [] };
}

/** The agent's working directory: the repository when there is one, else the workspace. */
export function containerCwd(run: JobRun): string {
  return run.repositoryFolders.length === 1 ? path.posix.join(RUNNER_WORKDIR, run.repositoryFolders[0]!) : RUNNER_WORKDIR;
}

function workspaceBinds(place: StagePlace, readOnly: boolean): BindMount[] {
  return [
    { host: place.workspace, container: RUNNER_WORKDIR, readOnly },
    ...place.gitDirs.map((dir) => ({ host: dir, container: dir, readOnly })),
  ];
}

/** The job's sockets; open for the whole run (run-job.ts). */
export function jobSockets(run: JobRun): JobSockets {
  if (!run.sockets) throw new Error(`Job ${run.job.id} has no sockets open; run-job.ts opens them before any stage.`);
  return run.sockets;
}

function baseSpec(run: JobRun, state: StageState, cmd: string[], env: Record<string, string>, binds: BindMount[]): StageContainerSpec {
  const sockets = jobSockets(run);
  return {
    image: run.image,
    cmd: sockets.command(cmd),
    // The proxy variables last: a vault entry named HTTPS_PROXY does not open another way out.
    env: { ...env, ...sockets.env },
    binds: [...binds, ...sockets.binds],
    workingDir: containerCwd(run),
    user: `${RUNNER_UID}:${RUNNER_UID}`,
    labels: { [ContainerLabel.job]: run.job.id, [ContainerLabel.stage]: state.stage.id },
    limits: run.deps.containment.limits,
  };
}

export function agentContainerSpec(
  run: JobRun,
  state: StageState,
  place: StagePlace,
  options: { cmd: string[]; env: Record<string, string>; hasSkills: boolean; extraBinds: BindMount[] },
): StageContainerSpec {
  const binds = [
    ...workspaceBinds(place, state.stage.role === 'planner'),
    { host: run.layout.home, container: RUNNER_HOME, readOnly: false },
    ...(options.hasSkills ? [{ host: run.layout.skills(state.key), container: skillsContainerDir, readOnly: true }] : []),
    ...options.extraBinds,
  ];
  return baseSpec(run, state, options.cmd, options.env, binds);
}

export function validationContainerSpec(run: JobRun, state: StageState, place: StagePlace, argv: string[], env: Record<string, string>): StageContainerSpec {
  const binds = [...workspaceBinds(place, false), { host: run.layout.home, container: RUNNER_HOME, readOnly: false }];
  const spec = baseSpec(run, state, argv, env, binds);
  return { ...spec, labels: { ...spec.labels, 'spedy.role': 'validation' } };
}
