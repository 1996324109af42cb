// One job's ways out of its containers, opened when the job's run starts and closed when it
// ends: a folder of unix sockets (model, egress, and the board tools when the job has them),
// bind-mounted into every stage container at /spedy/s with the relay that turns them into
// 127.0.0.1 ports inside. Which socket a connection came in on says which job it is: a
// container can only reach its own job's sockets.
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createAddressCheck } from '@spedy/protocol/address-check';
import type { BindMount, ContainerLimits } from '../container/stage-container.ts';
import { RUNNER_UID } from '../image/runner-image.ts';
import type { Log } from '../log.ts';
import { createEgressProxy } from './egress-proxy.ts';
import { listenModelSocket, listenOnSocket } from './model-socket.ts';
import { relayCommand, relayContainerPath, relayUrl, socketFile, socketsInContainer, type RelayRoute } from './relay.ts';

/** The supervisor's containment settings (supervisor/config.ts), shared by every job. */
export interface ContainmentSettings {
  /** Short host folder for the job socket folders (SPEDY_SOCKETS_DIR). */
  socketsDir: string;
  /** The relay's host path (installRelayScript). */
  relayScript: string;
  limits: ContainerLimits;
  /** SPEDY_ALLOWED_INTERNAL_HOSTS: loopback or private hosts the egress proxy may reach when a team allows them. */
  allowedInternalHosts?: string;
}

export interface JobSockets {
  /** The socket folder and the relay, for every stage container of the job. */
  binds: BindMount[];
  /** The proxy variables (the CLI, npm, git and curl read them). */
  env: Record<string, string>;
  /** ANTHROPIC_BASE_URL inside the container. */
  modelUrl: string;
  /** Wraps a container command in the relay. */
  command(cmd: readonly string[]): string[];
  close(): Promise<void>;
}

export async function openJobSockets(options: {
  settings: ContainmentSettings;
  jobId: string;
  allowedHosts: readonly string[];
  /** Answers the model socket: the metering proxy, or a pass-through (model-socket.ts). */
  model: http.RequestListener;
  /** Answers the board tools socket, when the job has them. */
  tools?: http.RequestListener;
  log: Log;
}): Promise<JobSockets> {
  const { settings, jobId, log } = options;
  await fs.mkdir(settings.socketsDir, { recursive: true, mode: 0o711 });
  const dir = await fs.mkdtemp(path.join(settings.socketsDir, 'j'));
  // Only the runner user (and root) enters; the sockets themselves are then open to it.
  if (process.getuid?.() === 0) await fs.chown(dir, RUNNER_UID, RUNNER_UID);
  else await fs.chmod(dir, 0o711);

  const servers: http.Server[] = [];
  const routes: RelayRoute[] = [];
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    await fs.rm(dir, { recursive: true, force: true });
  };
  const serve = async (route: RelayRoute, start: (socketPath: string) => Promise<http.Server>) => {
    const socketPath = path.join(dir, socketFile(route));
    servers.push(await start(socketPath));
    await fs.chmod(socketPath, 0o666);
    routes.push(route);
  };

  try {
    await serve('model', (socketPath) => listenModelSocket(socketPath, options.model));
    const check = createAddressCheck({ allowedInternalHosts: settings.allowedInternalHosts, verb: 'connect to' });
    await serve('egress', (socketPath) => listenOnSocket(createEgressProxy({ jobId, allowedHosts: options.allowedHosts, check, log }), socketPath));
    const { tools } = options;
    if (tools) await serve('tools', (socketPath) => listenOnSocket(http.createServer(tools), socketPath));
  } catch (error) {
    await close();
    throw error;
  }

  const proxy = relayUrl('egress');
  return {
    binds: [
      // Read-only: the agent connects to the sockets (allowed on a read-only mount) but cannot replace them.
      { host: dir, container: socketsInContainer, readOnly: true },
      { host: settings.relayScript, container: relayContainerPath, readOnly: true },
    ],
    env: {
      HTTPS_PROXY: proxy,
      HTTP_PROXY: proxy,
      https_proxy: proxy,
      http_proxy: proxy,
      // The model and the board tools are on the container's own loopback, never through the proxy.
      NO_PROXY: '127.0.0.1,localhost,::1',
      no_proxy: '127.0.0.1,localhost,::1',
      // Not NODE_USE_ENV_PROXY: Node 22 then warns on every start (EnvHttpProxyAgent is
      // experimental), into every validation command's output; npm and git read the variables.
    },
    modelUrl: relayUrl('model'),
    command: (cmd) => relayCommand(routes, cmd),
    close,
  };
}
