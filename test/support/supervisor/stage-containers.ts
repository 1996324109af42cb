// What the Docker suites need to run one-off stage containers: a spec with the test limits,
// labelled so removeOrphans finds what a failed test leaves, and a container's lines.
import { ContainerLabel, type StageContainerSpec } from '../../../supervisor/container/stage-container.ts';
import { testContainerLimits } from './runner-test-kit.ts';

export function testStageSpec(
  base: { image: string; job: string; stage: string; workingDir: string },
  cmd: string[],
  overrides: Partial<StageContainerSpec> = {},
): StageContainerSpec {
  return {
    image: base.image,
    cmd,
    env: {},
    binds: [],
    workingDir: base.workingDir,
    user: '1000:1000',
    labels: { [ContainerLabel.job]: base.job, [ContainerLabel.stage]: base.stage },
    limits: testContainerLimits,
    ...overrides,
  };
}

export async function collectLines(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}
