import { RunnerImageError } from './image-error.ts';

interface ProgressMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Reads the JSON progress stream of a build or import to its end. The engine
 * reports a failed build inside the stream (an `error`/`errorDetail` message)
 * while the HTTP request itself succeeds, so dockerode does not reject: this
 * throws with that message and the build's last output lines.
 */
export async function followProgress(
  stream: NodeJS.ReadableStream,
  what: string,
  onLine?: (line: string) => void,
): Promise<{ imageId?: string }> {
  const tail: string[] = [];
  let failure: string | undefined;
  let imageId: string | undefined;
  let partial = '';
  const handle = (text: string) => {
    if (!text.trim()) return;
    let message: ProgressMessage;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.error || message.errorDetail) failure ??= message.errorDetail?.message ?? message.error;
    if (message.aux?.ID) imageId = message.aux.ID;
    const line = (message.stream ?? message.status ?? '').trimEnd();
    if (!line) return;
    for (const part of line.split('\n')) {
      tail.push(part);
      onLine?.(part);
    }
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  for await (const chunk of stream) {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(handle);
  }
  handle(partial);
  if (failure) {
    throw new RunnerImageError(`${what} failed: ${failure.trim()}`, tail.map((l) => `  | ${l}`).join('\n'));
  }
  return { imageId };
}
