import readline from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * The lines of `stream`, read when first iterated. Until then the stream
 * buffers, so a consumer that starts late loses nothing. Iterate once.
 */
export async function* readLines(stream: Readable): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
  }
}
