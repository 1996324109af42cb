// The floor under a stage: a bare container from the runner image on the same engine,
// started the way the supervisor starts a stage's agent (supervisor/container and
// supervisor/agent), with the same stage's command line against the same scripted model,
// but no job folder, workspace, MCP servers or event streaming around it.
import Docker from 'dockerode';
import { agentEnv, claudeArgs } from '../supervisor/agent/claude-command.ts';
import { stageMcp } from '../supervisor/agent/mcp-config.ts';
import { ContainerLabel, startContainer, type StageContainerSpec } from '../supervisor/container/stage-container.ts';
import { ensureRunnerImage, RUNNER_UID, RUNNER_WORKDIR } from '../supervisor/image/runner-image.ts';
import type { StageSnapshot } from '../lib/runner-api/wire.ts';

/** One floor sample; ms from the container's create. */
export type FloorSample = {
  /** `true` in a container: create → start → exit. */
  bare: number;
  /** `claude -p … --output-format stream-json`: create → the first stream-json line. */
  firstLine: number;
  /** … → the `result` line. */
  resultLine: number;
  /** … → the container exited. */
  exited: number;
  /** Removing the exited container. */
  removed: number;
};

export type FloorRun = { image: string; samples: FloorSample[] };

async function timeContainer(docker: Docker, spec: StageContainerSpec): Promise<{ firstLine?: number; resultLine?: number; exited: number; removed: number; exitCode: number }> {
  const t0 = performance.now();
  const container = await startContainer(docker, spec);
  let firstLine: number | undefined;
  let resultLine: number | undefined;
  const draining = (async () => {
    for await (const _ of container.stderr);
  })();
  for await (const line of container.stdout) {
    if (!line.trim()) continue;
    firstLine ??= performance.now() - t0;
    if (resultLine === undefined && line.includes('"type":"result"')) resultLine = performance.now() - t0;
  }
  await draining;
  const exit = await container.done;
  const exited = performance.now() - t0;
  const t1 = performance.now();
  await container.remove();
  return { firstLine, resultLine, exited, removed: performance.now() - t1, exitCode: exit.exitCode };
}

export type Floor = { image: string; sample(): Promise<FloorSample> };

/** The floor's containers on the runner's engine, with `stage`'s command line (no MCP servers, no skills). */
export async function prepareFloor(input: { dockerSocket: string; modelUrl: string; stage: StageSnapshot; prompt: string; signal: AbortSignal }): Promise<Floor> {
  const docker = new Docker({ socketPath: input.dockerSocket });
  const image = await ensureRunnerImage({ docker, signal: input.signal });
  const base: StageContainerSpec = {
    image,
    cmd: ['true'],
    env: {},
    binds: [],
    workingDir: RUNNER_WORKDIR,
    user: `${RUNNER_UID}:${RUNNER_UID}`,
    labels: { [ContainerLabel.job]: 'bench-floor', [ContainerLabel.stage]: input.stage.id },
    networkHost: true,
  };
  const agent: StageContainerSpec = {
    ...base,
    cmd: claudeArgs({ stage: input.stage, turn: { prompt: input.prompt }, mcp: stageMcp(input.stage, undefined), hasSkills: false }),
    env: agentEnv({ secrets: {}, modelBaseUrl: input.modelUrl, apiKey: 'spedy-no-key' }),
  };
  return {
    image,
    async sample() {
      input.signal.throwIfAborted();
      const bare = await timeContainer(docker, base);
      const cli = await timeContainer(docker, agent);
      if (cli.exitCode !== 0 || cli.firstLine === undefined || cli.resultLine === undefined) {
        throw new Error(`the bare claude -p container exited with code ${cli.exitCode}${cli.resultLine === undefined ? ' without a result line' : ''}`);
      }
      return { bare: bare.exited, firstLine: cli.firstLine, resultLine: cli.resultLine, exited: cli.exited, removed: cli.removed };
    },
  };
}
