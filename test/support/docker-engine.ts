import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerEngineBusyError, startDockerEngine } from '../../stack/docker-engine.ts';
import { fromRoot } from '../../stack/paths.ts';
import { findDockerEngine } from '../../supervisor/container/docker-probe.ts';

export interface TestDockerEngine {
  socketPath: string;
  /** Whether this process started the engine (and stop() stops it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * The Docker engine for tests: a reachable one (DOCKER_HOST, the system
 * socket), else a private engine in `.test-data/docker` whose images persist
 * between runs. When another test run holds that folder, a throwaway engine
 * in a temporary folder (its images are built again from the cached inputs).
 */
export async function acquireTestDockerEngine(log: (line: string) => void = () => {}): Promise<TestDockerEngine> {
  const reachable = await findDockerEngine();
  if (reachable) return { socketPath: reachable, started: false, stop: async () => {} };
  try {
    const engine = await startDockerEngine({ dataDir: fromRoot('.test-data', 'docker'), log });
    return { socketPath: engine.socketPath, started: true, stop: engine.stop };
  } catch (err) {
    if (!(err instanceof DockerEngineBusyError)) throw err;
    log(`  ${err.message}\n  using a temporary engine instead`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-docker-'));
  const engine = await startDockerEngine({ dataDir, log });
  return {
    socketPath: engine.socketPath,
    started: true,
    async stop() {
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
