// Is a Docker engine reachable? The supervisor only looks for one: it never starts dockerd
// (the local launcher in stack/ does that for the demo and the tests, and passes the
// engine's socket in DOCKER_HOST).
import fs from 'node:fs';
import http from 'node:http';

/** The default socket of a system-wide engine. */
const systemSocket = '/var/run/docker.sock';

/** The one command that installs what runners need (the engine, and debootstrap for the runner image). */
export function dockerInstallHint(): string {
  return 'apt-get install -y docker.io debootstrap';
}

/** Whether a Docker engine answers `GET /_ping` on `socketPath`. */
export function pingDockerSocket(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
      res.once('error', () => resolve(false));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * The socket path of a Docker engine that answers: the unix socket in
 * DOCKER_HOST when set, else the system socket. Null when none answers (a
 * DOCKER_HOST over TCP or SSH is not used).
 */
export async function findDockerEngine(
  env: Readonly<Record<string, string | undefined>> = process.env,
  fallbackSocket = systemSocket,
): Promise<string | null> {
  const candidates: string[] = [];
  const host = env.DOCKER_HOST?.trim();
  if (host?.startsWith('unix://')) candidates.push(host.slice('unix://'.length));
  candidates.push(fallbackSocket);
  for (const socketPath of candidates) {
    if (fs.existsSync(socketPath) && (await pingDockerSocket(socketPath))) return socketPath;
  }
  return null;
}

/** No Docker engine answers where the supervisor looked. */
export class DockerUnreachableError extends Error {
  override name = 'DockerUnreachableError';
}

/** The socket of the engine jobs run in, or an error saying what to start or set. */
export async function requireDockerEngine(dockerHost: string | undefined, fallbackSocket = systemSocket): Promise<string> {
  const socketPath = await findDockerEngine({ DOCKER_HOST: dockerHost }, fallbackSocket);
  if (socketPath) return socketPath;
  throw new DockerUnreachableError(
    `No Docker engine answers at ${dockerHost ?? `unix://${fallbackSocket}`}: jobs run in containers. ` +
      `Start one (${dockerInstallHint()}) or set DOCKER_HOST=unix:///path/to/docker.sock.`,
  );
}
