// The floor under a stage: a bare container from the runner image on the same engine,
// started the way the supervisor starts a stage's agent (supervisor/container and
// supervisor/agent), with the same stage's command line against the same scripted model,
// but no job folder, workspace or event streaming around it — once bare, once with the
// board tools MCP server a stage gets (served here by the supervisor's own module).
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { agentEnv, claudeArgs } from '../supervisor/agent/claude-command.ts';
import { stageMcp } from '../supervisor/agent/mcp-config.ts';
import { ContainerLabel, startContainer, type StageContainerSpec } from '../supervisor/container/stage-container.ts';
import { openJobSockets } from '../supervisor/egress/job-sockets.ts';
import { modelPassThrough } from '../supervisor/egress/model-socket.ts';
import { installRelayScript } from '../supervisor/egress/relay.ts';
import { ensureRunnerImage, RUNNER_UID, RUNNER_WORKDIR } from '../supervisor/image/runner-image.ts';
import { startBoardToolsServer, type BoardToolsServer } from '../supervisor/mcp/board-tools-server.ts';
import type { BoardApi } from '../supervisor/mcp/tools.ts';
import type { StageSnapshot } from '@spedy/protocol/wire';

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
  /** The same with the board tools MCP server: create → first line, → exit. */
  mcpFirstLine: number;
  mcpExited: number;
};

/** The floor samples of a bench run, each with the job it was taken right after (to pair them). */
export type FloorRun = { image: string; samples: (FloorSample & { afterJob: string })[] };

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

export type Floor = { image: string; sample(): Promise<FloorSample>; close(): Promise<void> };

const floorJobId = 'bench-floor';
const notInTheFloor = () => Promise.reject(new Error('the floor has no board'));
const noBoard: BoardApi = {
  getTicket: notInTheFloor,
  addComment: notInTheFloor,
  setStatus: notInTheFloor,
  createSubticket: notInTheFloor,
  preloadKnowledge: notInTheFloor,
  recallKnowledge: notInTheFloor,
};
const quiet = { info() {}, warn() {}, debug() {} };

async function runCli(docker: Docker, spec: StageContainerSpec) {
  const cli = await timeContainer(docker, spec);
  if (cli.exitCode !== 0 || cli.firstLine === undefined || cli.resultLine === undefined) {
    throw new Error(`the bare claude -p container exited with code ${cli.exitCode}${cli.resultLine === undefined ? ' without a result line' : ''}`);
  }
  return { ...cli, firstLine: cli.firstLine, resultLine: cli.resultLine };
}

/** The floor's containers on the runner's engine, with `stage`'s command line (no skills; MCP only in the second run). */
export async function prepareFloor(input: { dockerSocket: string; modelUrl: string; stage: StageSnapshot; prompt: string; workDir: string; signal: AbortSignal }): Promise<Floor> {
  const docker = new Docker({ socketPath: input.dockerSocket });
  const image = await ensureRunnerImage({ docker, signal: input.signal });
  const tools: BoardToolsServer = await startBoardToolsServer({ api: noBoard, jobsDir: path.join(input.workDir, 'floor-tools'), log: quiet });
  tools.openJob(floorJobId);
  // Contained like a job's stage: no network, the relay in front of the CLI, the supervisor's default limits.
  const socketsDir = path.join(os.tmpdir(), 'spedy-sockets');
  const sockets = await openJobSockets({
    settings: { socketsDir, relayScript: await installRelayScript(socketsDir), limits: { memoryMb: 4096, cpus: 1, pids: 512 } },
    jobId: floorJobId,
    allowedHosts: [],
    model: modelPassThrough(input.modelUrl),
    tools: tools.listener,
    log: { ...quiet, error() {} },
  });
  const base: StageContainerSpec = {
    image,
    cmd: ['true'],
    env: sockets.env,
    binds: sockets.binds,
    workingDir: RUNNER_WORKDIR,
    user: `${RUNNER_UID}:${RUNNER_UID}`,
    labels: { [ContainerLabel.job]: floorJobId, [ContainerLabel.stage]: input.stage.id },
    limits: { memoryMb: 4096, cpus: 1, pids: 512 },
  };
  const env = agentEnv({ secrets: {}, modelBaseUrl: sockets.modelUrl, apiKey: 'spedy-no-key' });
  const cliSpec = (mcp: ReturnType<typeof stageMcp>): StageContainerSpec => ({
    ...base,
    cmd: sockets.command(claudeArgs({ stage: input.stage, turn: { prompt: input.prompt }, mcp, hasSkills: false })),
    env: { ...env, ...mcp.env, ...sockets.env },
    binds: [...mcp.binds, ...sockets.binds],
  });
  const bare = cliSpec(stageMcp(input.stage, undefined));
  const withMcp = cliSpec(stageMcp(input.stage, tools.mcpConfig(floorJobId)));
  return {
    image,
    async sample() {
      input.signal.throwIfAborted();
      const nothing = await timeContainer(docker, base);
      const cli = await runCli(docker, bare);
      const mcp = await runCli(docker, withMcp);
      return {
        bare: nothing.exited,
        firstLine: cli.firstLine,
        resultLine: cli.resultLine,
        exited: cli.exited,
        removed: cli.removed,
        mcpFirstLine: mcp.firstLine,
        mcpExited: mcp.exited,
      };
    },
    async close() {
      await sockets.close();
      await tools.close();
    },
  };
}
