// The supervisor: secrets → register → board tools endpoint → socket → heartbeats and
// work. `npm run supervisor` runs this file; tests call startSupervisor() in-process.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type DockerClient from 'dockerode';
import type pino from 'pino';
import { z } from 'zod';
import { toError } from '@spedy/protocol/errors';
import { addBoardComment, createBoardSubticket, getBoardTicket, setBoardStatus } from './api/board.ts';
import { preloadKnowledge, recallKnowledge } from './api/knowledge.ts';
import { fetchBootstrap } from './api/bootstrap.ts';
import { createControlReceiver } from './api/controls.ts';
import { createPlatformHttp, type PlatformHttp } from './api/http.ts';
import { fetchJobGitAccess } from './api/git-access.ts';
import { fetchJobMcpCredentials } from './api/mcp-credentials.ts';
import { createPlatform, type Platform } from './api/platform.ts';
import { heldJobStatuses, registerRunner, type Registration } from './api/runners.ts';
import { connectRunnerSocket, type RunnerSocket } from './api/socket.ts';
import { findDockerEngine } from './container/docker-probe.ts';
import { ConfigError, describeConfig, loadSupervisorConfig, type SupervisorConfig } from './config.ts';
import type { ContainmentSettings } from './egress/job-sockets.ts';
import { startBoardToolsServer, type BoardToolsServer } from './mcp/board-tools-server.ts';
import type { BoardApi } from './mcp/tools.ts';
import { createSupervisorLog, type Log } from './log.ts';
import { assessHealth } from './operations/health.ts';
import { observeSupervisor, recordJobStatus } from './operations/metrics.ts';
import { startStatusServer, type StatusServer } from './operations/status-server.ts';
import type { RunnerImagePreparation } from './image/preparation.ts';
import { createPool, type Pool } from './pool.ts';
import type { JobRunner } from './runner/job-lifecycle.ts';
import { pruneJobLogs, sweepJobFolders } from './runner/job-folder.ts';
import { createSecretStore, type SecretStore } from './secrets.ts';
import type { StreamerOptions } from './streamer/streamer.ts';

/** Heartbeats at least this often, whatever the platform's offline timeout allows. */
const maxHeartbeatIntervalMs = 15_000;
/** How often finished jobs' event logs are checked against their retention. */
const logPruneIntervalMs = 6 * 60 * 60_000;
/** The part of the drain timeout jobs have to be handed back; the rest closes the socket and the tools. */
const handBackShare = 0.8;
/** How long the platform may take to note the drain (the job hand-backs go on meanwhile). */
const drainNoticeMs = 5_000;

export type Supervisor = {
  runnerId: string;
  registration: Registration;
  secrets: SecretStore;
  pool: Pool;
  socket: RunnerSocket;
  boardTools: BoardToolsServer;
  /** The status listener (/healthz, /metrics), when SPEDY_STATUS_PORT is set. */
  statusUrl: string | null;
  /** Resolves when the supervisor stopped by itself (token refused) or through stop(). */
  stopped: Promise<{ reason: string }>;
  stop(reason?: string): Promise<void>;
};

export function supervisorVersion(): string {
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8')));
  return pkg.version;
}

export function createLog(config: Pick<SupervisorConfig, 'SPEDY_LOG_LEVEL' | 'SPEDY_LOG_FORMAT'>): pino.Logger {
  return createSupervisorLog({ level: config.SPEDY_LOG_LEVEL, format: config.SPEDY_LOG_FORMAT });
}

export async function startSupervisor(
  config: SupervisorConfig,
  deps: {
    runJob: JobRunner;
    log?: Log;
    streamer?: Partial<StreamerOptions>;
    heartbeatIntervalMs?: number;
    /** Whether the engine jobs run in answers (/healthz); unset: not checked (fake jobs). */
    dockerReachable?: () => Promise<boolean>;
    /** The runner image's preparation, reported with registration and heartbeats (dockerJobRunner starts it). */
    runnerImage?: Pick<RunnerImagePreparation, 'status' | 'onChange'>;
  },
): Promise<Supervisor> {
  const log: Log = deps.log ?? createLog(config);
  log.info(describeConfig(config), 'supervisor starting');
  const http = createPlatformHttp({
    apiUrl: config.SPEDY_API_URL,
    token: config.SPEDY_RUNNER_TOKEN,
    onRetry: (what, error, attempt, delayMs) => log.warn({ what, err: error.message, attempt, delayMs }, 'platform request failed; retrying'),
  });

  const secrets = createSecretStore({
    fetchBundle: () => fetchBootstrap(http),
    // Asked only for a claimed job's stage, so after registration.
    fetchMcpCredentials: (jobId) => fetchJobMcpCredentials(http, registration.runnerId, jobId),
    fetchGitAccess: (jobId) => fetchJobGitAccess(http, registration.runnerId, jobId),
    localEnv: config.localEnv,
    log,
  });
  await secrets.start();

  const registration = await registerRunner(http, {
    name: config.SPEDY_RUNNER_NAME,
    version: supervisorVersion(),
    capabilities: config.SPEDY_RUNNER_CAPABILITIES,
    labels: config.SPEDY_RUNNER_LABELS,
    poolSize: config.SPEDY_POOL_SIZE,
    ...(deps.runnerImage ? { image: deps.runnerImage.status() } : {}),
    aiBackend: config.SPEDY_AI_BACKEND,
  });
  const { runnerId } = registration;
  let lastPlatformAnswerAt = Date.now();
  log.info({ runnerId, name: config.SPEDY_RUNNER_NAME, poolSize: config.SPEDY_POOL_SIZE }, 'registered; the runner is Online');

  const boardTools = await startBoardToolsServer({ api: boardApi(http, runnerId), jobsDir: config.SPEDY_JOBS_DIR, port: config.SPEDY_TOOLS_PORT, log });

  let resolveStopped!: (value: { reason: string }) => void;
  const stopped = new Promise<{ reason: string }>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;

  const socket = connectRunnerSocket({
    apiUrl: config.SPEDY_API_URL,
    token: config.SPEDY_RUNNER_TOKEN,
    runnerId,
    log,
    onTokenRefused: (reason) => {
      log.error({ reason }, 'the platform refused the runner token; stopping (create a new token under Settings → Runners)');
      void supervisor.stop(`token refused: ${reason}`);
    },
  });
  const platform = observedPlatform(createPlatform({ http, socket, runnerId }));
  const pool = createPool({
    size: config.SPEDY_POOL_SIZE,
    jobsDir: config.SPEDY_JOBS_DIR,
    platform,
    secrets,
    boardTools,
    runJob: deps.runJob,
    log,
    runnerToken: config.SPEDY_RUNNER_TOKEN,
    runnerName: config.SPEDY_RUNNER_NAME,
    streamer: deps.streamer,
  });

  const controls = createControlReceiver({ socket, apply: (message) => pool.control(message) });
  socket.onMessage((message) => {
    if (message.type === 'offer') pool.offer(message.jobId);
    else if (message.type === 'control') controls.receive(message);
    else if (message.type === 'ticket-changed') boardTools.dropTicketContext(message.jobId);
    else if (message.type === 'error' && !message.jobId) log.warn({ message: message.message }, 'the platform reported an error');
  });
  // Folders of jobs that ended, were cancelled or went to another runner while this
  // supervisor was away or cut off: their work (and the secrets in it) goes. One sweep at a time.
  let sweeping: Promise<void> = Promise.resolve();
  const sweepAbort = new AbortController();
  const sweepFolders = () => {
    sweeping = sweeping.then(() =>
      sweepJobFolders(config.SPEDY_JOBS_DIR, (jobIds) => heldJobStatuses(http, runnerId, jobIds, sweepAbort.signal), (jobId) => pool.activeJobIds().includes(jobId))
        .then((removed) => void (removed.length > 0 && log.info({ jobs: removed }, 'removed the work of jobs that are final or no longer this runner’s')))
        .catch((error: unknown) => log.warn({ err: toError(error).message }, 'could not check the job folders against the platform')),
    );
  };
  // Connected (again): whatever waits may be ours. The platform offers too; a claim decides.
  // Ticket changes announced while the socket was away were missed: read every ticket afresh.
  socket.onWelcome(() => {
    boardTools.dropTicketContext();
    pool.askForWork();
    sweepFolders();
  });

  const heartbeatMs = deps.heartbeatIntervalMs ?? Math.min(maxHeartbeatIntervalMs, registration.heartbeatIntervalSeconds * 1000);
  let beating = false;
  /** Set when stop() begins: heartbeats say so until the process ends. */
  let draining = false;
  /** A change while a heartbeat is under way goes out with the next one, right after it. */
  let beatAgain = false;
  const beat = (again = false) => {
    if (beating) {
      beatAgain ||= again;
      return;
    }
    beating = true;
    beatAgain = false;
    const reported = pool.activeJobIds();
    const acks = controls.takeUnsent();
    platform
      .heartbeat(reported, { ackedControlIds: acks, image: deps.runnerImage?.status(), draining })
      .then(({ jobs, controls: pending = [] }) => {
        lastPlatformAnswerAt = Date.now();
        // Controls first: a stored Stop is applied here before reconcile would recover it.
        for (const control of pending) controls.receive(control);
        pool.reconcile(jobs, reported);
      })
      .catch((error) => {
        controls.unsent(acks);
        log.warn({ err: toError(error).message }, 'heartbeat failed');
      })
      .finally(() => {
        beating = false;
        if (beatAgain && !stopping) beat(true);
      });
  };
  const heartbeat = setInterval(() => beat(), heartbeatMs);
  // The Runners tab shows the image's preparation: a change goes out now, not with the next beat.
  deps.runnerImage?.onChange(() => {
    if (!stopping) beat(true);
  });

  pool.askForWork();
  sweepFolders();

  // What finished jobs left (their masked event logs) goes after SPEDY_JOB_LOG_RETENTION_DAYS.
  const pruneLogs = () =>
    pruneJobLogs(config.SPEDY_JOBS_DIR, config.SPEDY_JOB_LOG_RETENTION_DAYS, { keep: new Set(pool.activeJobIds()) })
      .then((removed) => removed.length > 0 && log.info({ jobs: removed }, 'removed the event logs of jobs past their retention'))
      .catch((error: unknown) => log.warn({ err: toError(error).message }, 'could not prune old job logs'));
  void pruneLogs();
  const pruning = setInterval(() => void pruneLogs(), logPruneIntervalMs);
  pruning.unref();

  const unobserve = observeSupervisor({
    poolSize: config.SPEDY_POOL_SIZE,
    jobStatuses: () => pool.jobStatuses(),
    lastHeartbeatAt: () => lastPlatformAnswerAt,
  });
  let statusServer: StatusServer | null = null;

  const supervisor: Supervisor = {
    runnerId,
    registration,
    secrets,
    pool,
    socket,
    boardTools,
    statusUrl: null,
    stopped,
    stop(reason = 'stopped') {
      stopping ??= (async () => {
        log.info({ reason, jobs: pool.activeJobIds(), timeoutSeconds: config.SPEDY_DRAIN_TIMEOUT_SECONDS }, 'supervisor draining: no new work; handing running jobs back');
        draining = true;
        clearInterval(pruning);
        // Should this process end before every job is handed back, the platform hands back the rest.
        // Heartbeats go on meanwhile (saying it drains), so the runner is not lost in the middle of it.
        const noticed = withTimeout(platform.heartbeat(pool.activeJobIds(), { draining: true }), drainNoticeMs).catch((error: unknown) =>
          log.warn({ err: toError(error).message }, 'could not tell the platform that this runner is draining'),
        );
        await pool.shutdown(config.SPEDY_DRAIN_TIMEOUT_SECONDS * 1000 * handBackShare);
        clearInterval(heartbeat);
        await noticed;
        await socket.close();
        sweepAbort.abort();
        await sweeping;
        await boardTools.close();
        secrets.stop();
        await statusServer?.close();
        unobserve();
        log.info({}, 'supervisor stopped');
        resolveStopped({ reason });
      })();
      return stopping;
    },
  };
  if (config.SPEDY_STATUS_PORT !== undefined) {
    try {
      statusServer = await startStatusServer({
        host: config.SPEDY_STATUS_HOST,
        port: config.SPEDY_STATUS_PORT,
        log,
        health: async () =>
          assessHealth({
            stopping: stopping !== null,
            socketOpen: socket.isOpen(),
            lastPlatformAnswerAt,
            heartbeatIntervalMs: heartbeatMs,
            dockerReachable: deps.dockerReachable ? await deps.dockerReachable() : null,
            now: Date.now(),
          }),
      });
      supervisor.statusUrl = statusServer.url;
    } catch (error) {
      await supervisor.stop('the status listener could not start');
      throw new Error(`The status listener could not listen on ${config.SPEDY_STATUS_HOST}:${config.SPEDY_STATUS_PORT} (${toError(error).message}): set SPEDY_STATUS_PORT to a free port.`);
    }
  }
  return supervisor;
}

/** The platform, counting each status it accepts (claims included) in the metrics. */
function observedPlatform(platform: Platform): Platform {
  return {
    ...platform,
    claim: async (jobId) => {
      const job = await platform.claim(jobId);
      if (job) recordJobStatus(job.status);
      return job;
    },
    reportStatus: async (jobId, status, details) => {
      const accepted = await platform.reportStatus(jobId, status, details);
      recordJobStatus(accepted);
      return accepted;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function boardApi(http: PlatformHttp, runnerId: string): BoardApi {
  return {
    getTicket: (jobId, displayId) => getBoardTicket(http, runnerId, jobId, displayId),
    addComment: (jobId, body) => addBoardComment(http, runnerId, jobId, body),
    setStatus: (jobId, status) => setBoardStatus(http, runnerId, jobId, status),
    createSubticket: (jobId, input) => createBoardSubticket(http, runnerId, jobId, input),
    preloadKnowledge: (jobId, input) => preloadKnowledge(http, runnerId, jobId, input),
    recallKnowledge: (jobId, input) => recallKnowledge(http, runnerId, jobId, input),
  };
}

/**
 * The real job runner: supervisor/runner/run-job.ts in Docker with the runner image (prepared
 * from the supervisor's start, cached by the hash of its inputs; a job waits for it), the model proxy in front of the model
 * API (the scripted model when SPEDY_MODEL_BASE_URL is set), the git hosts of the bootstrap bundle and, for a job on a
 * ticket, its board tools. Loaded here, not at import, so tests of the platform side run
 * without Docker.
 */
export async function dockerJobRunner(config: SupervisorConfig, log: Log): Promise<{ runJob: JobRunner; runnerImage: RunnerImagePreparation }> {
  const [{ default: Docker }, { runJob }, { ensureRunnerImage }, { startRunnerImagePreparation, runnerImageForJob }, { requireDockerEngine }, { installRelayScript }, { createModelProxy }, { readClaudeLogin }] = await Promise.all([
    import('dockerode'),
    import('./runner/run-job.ts'),
    import('./image/runner-image.ts'),
    import('./image/preparation.ts'),
    import('./container/docker-probe.ts'),
    import('./egress/relay.ts'),
    import('./model-proxy/model-proxy.ts'),
    import('./runner/claude-login.ts'),
  ]);
  // Local mode: a person's Claude login instead of the vault's key; no login, no start (the message says what to do).
  const claudeLogin = config.SPEDY_AI_BACKEND === 'local' ? config.SPEDY_CLAUDE_CREDENTIALS : undefined;
  if (claudeLogin) {
    await readClaudeLogin(claudeLogin);
    log.info({ file: claudeLogin }, 'local mode: jobs use this Claude login (a copy in each job’s HOME), never an API key');
  }
  const containment = containmentSettings(config, await installRelayScript(config.SPEDY_SOCKETS_DIR));
  const socketPath = await requireDockerEngine(config.DOCKER_HOST);
  const docker = new Docker({ socketPath });
  await removeLeftoverContainers(docker, config.SPEDY_JOBS_DIR, log).catch((error: unknown) =>
    log.warn({ err: toError(error).message }, 'could not look for containers a previous run left behind'),
  );
  // Started now, not on the first job: the supervisor registers and beats meanwhile, and reports it.
  const runnerImage = startRunnerImagePreparation(() =>
    ensureRunnerImage({
      docker,
      log: (line) => log.info({}, line),
      variant: { baseImage: config.SPEDY_RUNNER_BASE_IMAGE, holdUrl: config.SPEDY_RUNNER_IMAGE_HOLD_URL },
      inContainer: config.SPEDY_IN_CONTAINER,
    }),
  );
  runnerImage.onChange((status) => {
    if (status.state === 'failed') log.warn({ err: status.reason }, 'the runner image could not be prepared; the next job tries again');
    else if (status.state === 'ready') log.info({ seconds: Math.round(((status.endedAt ?? status.startedAt) - status.startedAt) / 1000) }, 'the runner image is ready');
  });
  // Agents reach the model only through it (it answers each job's model socket): they get a token per stage, never the key
  // (in local mode the person's login passes through it, metered the same).
  const modelProxy = createModelProxy({ log });

  const run: JobRunner = async (ctx, services) =>
    runJob(ctx, {
      docker,
      image: await runnerImageForJob(runnerImage, ctx),
      modelBaseUrl: config.SPEDY_MODEL_BASE_URL,
      modelProxy,
      claudeLogin,
      boardToolsMcp: ctx.job.snapshot.ticket ? () => services.boardTools.mcpConfig(ctx.job.id) : undefined,
      boardToolsListener: ctx.job.snapshot.ticket ? services.boardTools.listener : undefined,
      gitAccess: () => services.secrets.gitAccess(ctx.job.id),
      preloadKnowledge: ctx.job.snapshot.ticket ? (input) => services.boardTools.preloadKnowledge(ctx.job.id, input) : undefined,
      containment,
      log: services.log,
    });
  return { runJob: run, runnerImage };
}

/** How stage containers are contained (supervisor/egress/, container/stage-container.ts). */
export function containmentSettings(config: SupervisorConfig, relayScript: string): ContainmentSettings {
  return {
    socketsDir: config.SPEDY_SOCKETS_DIR,
    relayScript,
    limits: { memoryMb: config.SPEDY_CONTAINER_MEMORY_MB, cpus: config.SPEDY_CONTAINER_CPUS, pids: config.SPEDY_CONTAINER_PIDS },
    allowedInternalHosts: config.SPEDY_ALLOWED_INTERNAL_HOSTS,
  };
}

/**
 * Stage containers of jobs in our jobs folder that a killed supervisor left behind (they
 * keep running until their agent ends, and stay as exited containers): this process runs
 * none of them yet, and a job that is claimed again starts fresh containers from its
 * workspace. Other supervisors' containers on the same engine are not ours (other folders).
 */
async function removeLeftoverContainers(docker: DockerClient, jobsDir: string, log: Log): Promise<void> {
  const [{ ContainerLabel }, { removeContainer }] = await Promise.all([import('./container/stage-container.ts'), import('./container/remove.ts')]);
  const ours = new Set(await fs.promises.readdir(jobsDir).catch(() => [] as string[]));
  const found = await docker.listContainers({ all: true, filters: { label: [ContainerLabel.job] } });
  const leftovers = found.filter((info) => ours.has(info.Labels[ContainerLabel.job]));
  if (leftovers.length === 0) return;
  await Promise.all(leftovers.map((info) => removeContainer(docker.getContainer(info.Id))));
  log.info({ containers: leftovers.length, jobs: [...new Set(leftovers.map((info) => info.Labels[ContainerLabel.job]))] }, 'removed containers a previous run of this supervisor left behind');
}

/** Runs the supervisor until it stops, then exits: `spedy-supervisor` (cli.ts) and `npm run supervisor`. */
export async function main(env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  let config: SupervisorConfig;
  try {
    config = loadSupervisorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLog(config);
  const supervisor = await dockerJobRunner(config, log)
    .then(({ runJob, runnerImage }) =>
      startSupervisor(config, { runJob, runnerImage, log, dockerReachable: () => findDockerEngine({ DOCKER_HOST: config.DOCKER_HOST }).then(Boolean) }),
    )
    .catch((error: unknown) => {
      log.fatal({ err: toError(error).message }, 'the supervisor could not start');
      process.exit(1);
    });
  // SIGTERM (docker stop, compose up -d after a rebuild) and SIGINT drain: jobs are handed back, and
  // the process exits within the drain timeout whatever still waits (the platform hands back the rest).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        log.warn({ timeoutSeconds: config.SPEDY_DRAIN_TIMEOUT_SECONDS }, 'the drain timeout passed; exiting');
        process.exit(0);
      }, config.SPEDY_DRAIN_TIMEOUT_SECONDS * 1000).unref();
      void supervisor.stop(signal);
    });
  }
  const { reason } = await supervisor.stopped;
  process.exit(reason.startsWith('token refused') ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
