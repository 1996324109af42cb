// Where a stage container finds the supervisor: the relay (relay.mjs) listens on these ports
// of the container's own 127.0.0.1 and pipes to the job's sockets, mounted at socketsInContainer.
// Fixed ports are fine: each container has its own network namespace.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const relayPorts = { model: 8401, egress: 8402, tools: 8403 } as const;
export type RelayRoute = keyof typeof relayPorts;

export const relayContainerPath = '/spedy/relay.mjs';
/** Short, so `<dir>/<route>.sock` stays far below the 107-byte limit of a socket path. */
export const socketsInContainer = '/spedy/s';

export const relayUrl = (route: RelayRoute) => `http://127.0.0.1:${relayPorts[route]}`;
/** The board tools' URL inside a container (the MCP script's SPEDY_TOOLS_URL). */
export const boardToolsContainerUrl = relayUrl('tools');

export const socketFile = (route: RelayRoute) => `${route}.sock`;

const relaySource = fileURLToPath(new URL('./relay.mjs', import.meta.url));

/** Copies the relay beside the job sockets (a host path the engine can mount) and returns its path. */
export async function installRelayScript(socketsDir: string): Promise<string> {
  await fs.mkdir(socketsDir, { recursive: true, mode: 0o711 });
  const target = path.join(socketsDir, 'relay.mjs');
  // Copy and rename, so a container starting meanwhile never sees a half-written script.
  const partial = `${target}.${process.pid}.tmp`;
  await fs.copyFile(relaySource, partial);
  await fs.chmod(partial, 0o644);
  await fs.rename(partial, target);
  return target;
}

/** The container command: the relay for `routes`, then `cmd`. */
export function relayCommand(routes: readonly RelayRoute[], cmd: readonly string[]): string[] {
  return ['node', relayContainerPath, ...routes.map((route) => `${relayPorts[route]}=${path.posix.join(socketsInContainer, socketFile(route))}`), '--', ...cmd];
}
