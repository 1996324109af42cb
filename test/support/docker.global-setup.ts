// Global setup of the `docker` vitest project: one engine and one runner image for every suite.
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';
import { ensureRunnerImage } from '../../supervisor/image/runner-image.ts';
import { acquireTestDockerEngine } from './docker-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerSocket: string;
    runnerImage: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[docker] ${line.trim()}`);
  const engine = await acquireTestDockerEngine(log);
  try {
    const docker = new Docker({ socketPath: engine.socketPath });
    const started = performance.now();
    const runnerImage = await ensureRunnerImage({ docker, log });
    log(`runner image ${runnerImage} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    project.provide('dockerSocket', engine.socketPath);
    project.provide('runnerImage', runnerImage);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return engine.stop;
}
