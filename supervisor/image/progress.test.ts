import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { followProgress } from './progress.ts';

const message = (value: object) => `${JSON.stringify(value)}\r\n`;

describe('build progress', () => {
  it('throws the engine’s error message with the last output lines, even though the request succeeded', async () => {
    // Chunks split mid-message, as they arrive from the socket.
    const text = [
      message({ stream: 'Step 1/2 : FROM spedy-base:bookworm\n' }),
      message({ stream: 'Step 2/2 : RUN exit 3\n' }),
      message({ errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'ignored' }),
    ].join('');
    const stream = Readable.from([text.slice(0, 30), text.slice(30, 95), text.slice(95)]);
    const failure = followProgress(stream, 'Building test');
    await expect(failure).rejects.toThrow("Building test failed: The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    await expect(failure).rejects.toMatchObject({ details: expect.stringContaining('Step 2/2 : RUN exit 3') });
  });

  it('resolves with the built image id and passes output lines on', async () => {
    const lines: string[] = [];
    const stream = Readable.from([message({ stream: 'Step 1/1 : FROM x\n' }), message({ aux: { ID: 'sha256:abc' } })]);
    expect(await followProgress(stream, 'Building test', (line) => lines.push(line))).toEqual({ imageId: 'sha256:abc' });
    expect(lines).toEqual(['Step 1/1 : FROM x']);
  });
});
