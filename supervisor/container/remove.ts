import type Docker from 'dockerode';
import { isGoneOnRemove } from './docker-status.ts';

/** Removes a container, killing it if it runs; one already gone (or being removed) is fine. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    if (!isGoneOnRemove(err)) throw err;
  }
}

/**
 * Removes every container (running or exited) that carries `label` (`key` or
 * `key=value`, e.g. `spedy.job` for all stage containers): what a supervisor
 * that died mid-job left behind. Returns the removed containers' ids.
 */
export async function removeOrphans(docker: Docker, label: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(found.map((info) => removeContainer(docker.getContainer(info.Id))));
  return found.map((info) => info.Id);
}
