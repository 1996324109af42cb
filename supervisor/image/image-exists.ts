import type Docker from 'dockerode';
import { dockerStatusCode } from '../container/docker-status.ts';

/** Whether the engine has an image by this name (404 means no; other failures are thrown). */
export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (err) {
    if (dockerStatusCode(err) === 404) return false;
    throw err;
  }
}
