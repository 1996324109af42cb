// Per-repository setup (Build & Validate's setup commands, like GitHub's copilot-setup-steps):
// before the first stage, the commands of the job's repositories build a layer on top of the
// runner image, and the stages run in it. Each command runs in its own container, from the
// runner image or the previous command's committed container, as root with only the
// capabilities package managers need (setupCapabilities), under the job's limits and reaching
// only the team's allowed hosts through the job's egress socket — the containment of a stage
// otherwise: no network, no new privileges, the workspace read-only. The result is committed
// under a tag that hashes its inputs (image/setup-layer-tag.ts): the next job with the same
// inputs reuses it without running anything. Stages still run as uid 1000 with no capabilities.
import type Docker from 'dockerode';
import { toError } from '@spedy/protocol/errors';
import { setupCommandProblem, splitCommand } from '@spedy/protocol/validation-commands';
import { cancelReasonOf } from '../agent/run-agent.ts';
import { ContainerLabel, startContainer, type StageContainerSpec } from '../container/stage-container.ts';
import { imageExists } from '../image/image-exists.ts';
import { RUNNER_WORKDIR } from '../image/runner-image.ts';
import { namedFileDigests, setupLayerTag } from '../image/setup-layer-tag.ts';
import { InfrastructureFailure, JobStopped, WorkFailure } from './failures.ts';
import { clip, jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import { jobSockets } from './stage-containers.ts';
import { tailOf } from './validation.ts';

/**
 * What apt, dpkg, pip and npm need as root, and no more. dpkg unpacks files owned by other
 * users (CHOWN), writes into folders and files root does not own, such as apt's _apt-owned
 * partial downloads (DAC_OVERRIDE), sets modes and times on them (FOWNER) and keeps their
 * setuid/setgid bits (FSETID, else silently cleared); apt drops to the _apt user to download,
 * and npm to a folder's owner to run a package's scripts (SETUID, SETGID). Left out, among Docker's
 * defaults: NET_RAW, NET_BIND_SERVICE, MKNOD, SYS_CHROOT, KILL, AUDIT_WRITE, SETFCAP, SETPCAP.
 */
export const setupCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'SETUID', 'SETGID'] as const;

/** A setup command's output goes to the feed at most this often while it runs. */
const outputFlushMs = 1_000;

/** The last job's turn at each layer this supervisor is building or reusing now. */
const building = new Map<string, Promise<unknown>>();

interface SetupCommand {
  repository: string;
  /** The repository's folder under the workspace: the command's working directory. */
  folder: string;
  command: string;
  argv: string[];
}

/** The repositories with setup commands, in the job's order, each command read into its arguments. */
function setupCommandsOf(run: JobRun): SetupCommand[][] {
  return run.job.snapshot.repositories
    .map((repository, index) =>
      repository.setupCommands.map((command) => {
        const problem = setupCommandProblem(command);
        if (problem) throw new WorkFailure(`${repository.fullName}: ${problem}`);
        return { repository: repository.fullName, folder: run.repositoryFolders[index]!, command, argv: splitCommand(command) };
      }),
    )
    .filter((commands) => commands.length > 0);
}

/** Builds or reuses the job's setup layer and makes it the image its stages run in; nothing without setup commands. */
export async function prepareSetupLayer(run: JobRun): Promise<void> {
  const byRepository = setupCommandsOf(run);
  const commands = byRepository.flat();
  if (commands.length === 0 || run.image !== run.deps.image) return;
  const { docker } = run.deps;
  const runnerImage = await docker
    .getImage(run.deps.image)
    .inspect()
    .catch((error: unknown) => {
      throw new InfrastructureFailure(`The runner image ${run.deps.image} is missing: ${toError(error).message}`);
    });
  const repositories = await Promise.all(
    byRepository.map(async (own) => ({
      commands: own.map((c) => c.command),
      files: await namedFileDigests({ workspace: run.layout.workspace, repositoryDir: run.layout.repository(own[0]!.folder), commands: own.map((c) => c.argv) }),
    })),
  );
  const tag = setupLayerTag({ runnerImageId: runnerImage.Id, allowedHosts: run.job.snapshot.allowedHosts, repositories });

  // Jobs with the same inputs take turns: the second finds the first one's layer and reuses it.
  const earlier = building.get(tag);
  const turn = (async () => {
    await earlier?.catch(() => undefined);
    if (await imageExists(docker, tag)) {
      const { Id } = await docker.getImage(tag).inspect();
      run.emit(jobEvent.setupLayer({ state: 'reused', image: tag, imageId: Id, commands: commands.length }));
    } else await buildLayer(run, commands, { tag, runnerImage });
  })();
  building.set(tag, turn);
  try {
    await turn;
  } finally {
    if (building.get(tag) === turn) building.delete(tag);
  }
  run.image = tag;
}

async function buildLayer(run: JobRun, commands: SetupCommand[], target: { tag: string; runnerImage: Docker.ImageInspectInfo }): Promise<void> {
  const { docker } = run.deps;
  run.emit(jobEvent.setupLayer({ state: 'building', image: target.tag, commands: commands.length }));
  const [repo, tag] = target.tag.split(':') as [string, string];
  // The committed images keep the runner image's configuration (user 1000, /workspace, its
  // environment): what ran the commands — root, the proxy variables — stays out of them.
  const { Config } = target.runnerImage;
  const config = {
    User: Config.User,
    WorkingDir: Config.WorkingDir,
    Env: Config.Env,
    // Empty, `docker commit` would keep the last command's (the relay's); stages always name their own.
    Cmd: Config.Cmd?.length ? Config.Cmd : ['bash'],
    Entrypoint: Config.Entrypoint,
    Labels: { ...Config.Labels, 'spedy.setup': target.tag },
  };
  const intermediate: string[] = [];
  let base = target.runnerImage.Id;
  try {
    for (const [index, command] of commands.entries()) {
      const last = index === commands.length - 1;
      await runSetupCommand(run, command, base, async (id) => {
        const query = last ? { container: id, repo, tag, pause: false } : { container: id, pause: false };
        const committed = (await docker.getContainer(id).commit({ _query: query, _body: config })) as { Id: string };
        base = committed.Id;
        if (!last) intermediate.push(base);
      });
    }
  } catch (error) {
    // A failed build leaves no half layer behind: the images of the commands that passed go too.
    for (const id of intermediate.reverse()) await docker.getImage(id).remove().catch(() => undefined);
    throw error;
  }
  run.emit(jobEvent.setupLayer({ state: 'built', image: target.tag, imageId: base, commands: commands.length }));
}

function setupContainerSpec(run: JobRun, image: string, command: SetupCommand): StageContainerSpec {
  const sockets = jobSockets(run);
  // Through `env`, not the container's environment: `docker commit` would keep that in the image.
  const env = Object.entries({ HOME: '/root', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', ...sockets.env }).map(([name, value]) => `${name}=${value}`);
  return {
    image,
    cmd: sockets.command(['env', ...env, ...command.argv]),
    env: {},
    // The checkout, to read the files the commands name; read-only, so the layer is all they change.
    binds: [{ host: run.layout.workspace, container: RUNNER_WORKDIR, readOnly: true }, ...sockets.binds],
    workingDir: `${RUNNER_WORKDIR}/${command.folder}`,
    user: '0:0',
    labels: { [ContainerLabel.job]: run.job.id, [ContainerLabel.stage]: 'setup', 'spedy.role': 'setup' },
    limits: run.deps.containment.limits,
    setup: { capabilities: setupCapabilities },
  };
}

/** Runs one command, its output into the feed as it comes; `commit` is called when it passed, before the container goes. */
async function runSetupCommand(run: JobRun, command: SetupCommand, image: string, commit: (containerId: string) => Promise<void>): Promise<void> {
  const signal = AbortSignal.any([run.controls.stopSignal, run.limits.signal]);
  if (signal.aborted) throw stopped(run, signal);
  const container = await startContainer(run.deps.docker, setupContainerSpec(run, image, command)).catch((error: unknown) => {
    throw new InfrastructureFailure(`Docker could not start the setup command "${command.command}": ${toError(error).message}`);
  });
  const stop = () => void container.interrupt(cancelReasonOf(signal.reason), 5_000).catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const pending: string[] = [];
  const tail: string[] = [];
  const emit = (state: 'running' | 'passed' | 'failed', exitCode: number | null = null) => {
    if (state === 'running' && pending.length === 0) return;
    const output = clip(run.mask(pending.splice(0).join('\n')));
    run.emit(jobEvent.setup({ repository: command.repository, command: command.command, state, output, exitCode }));
  };
  const flush = setInterval(() => emit('running'), outputFlushMs);
  try {
    const collect = async (lines: AsyncIterable<string>) => {
      for await (const line of lines) {
        pending.push(line);
        tail.push(line);
        if (tail.length > 200) tail.splice(0, tail.length - 50);
      }
    };
    await Promise.all([collect(container.stdout), collect(container.stderr)]);
    const exit = await container.done;
    clearInterval(flush);
    if (exit.cancelReason) {
      emit('failed', exit.exitCode);
      throw stopped(run, signal);
    }
    const passed = exit.exitCode === 0;
    emit(passed ? 'passed' : 'failed', exit.exitCode);
    if (!passed) {
      const output = tailOf(run.mask(tail.join('\n')).split('\n'));
      throw new WorkFailure(`Setup command "${command.command}" of ${command.repository} failed (exit code ${exit.exitCode}). Its output ended with:\n${output}`);
    }
    await commit(container.id).catch((error: unknown) => {
      throw new InfrastructureFailure(`Docker could not commit the setup command "${command.command}": ${toError(error).message}`);
    });
  } finally {
    clearInterval(flush);
    signal.removeEventListener('abort', stop);
    await container.remove();
  }
}

/** Stop, or a limit reached (then the job's failure, like any limit). */
function stopped(run: JobRun, signal: AbortSignal): Error {
  run.limits.throwIfReached();
  return new JobStopped(signal.reason);
}
