// Parsing what runners send (HTTP bodies and socket messages): JSON, then the wire
// schema, and refused with a readable message before anything is written. JSON that
// PostgreSQL cannot store (NUL characters, lone surrogates, absurd nesting) is refused
// here too, so hostile input never turns into a database error.
import type { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';

/** Enough for a batch of 500 events with sizeable payloads. */
export const maxBodyBytes = 4 * 1024 * 1024;
const maxDepth = 64;

export function parseRunnerJson<S extends z.ZodType>(schema: S, text: string, what = 'The request body'): z.infer<S> {
  return parseRunnerValue(schema, parseJsonText(text, what), what);
}

export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SpedyError('invalid', `${what} is not valid JSON.`);
  }
}

/** Validates parsed JSON against a wire schema. */
export function parseRunnerValue<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const problem = unstorable(value);
  if (problem) throw new SpedyError('invalid', `${what} ${problem}.`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message.replace(/\.$/, '')}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new SpedyError('invalid', `${what} is invalid: ${issues.join('; ')}${more}.`);
  }
  return parsed.data;
}

/** Reads a body of at most `maxBodyBytes`, without buffering more than that. */
export async function readRequestText(req: Request): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): SpedyError {
  return new SpedyError('tooLarge', `The request body is larger than ${maxBodyBytes / 1024 / 1024} MB; send smaller batches.`);
}

/** Why PostgreSQL could not store this JSON (in text or jsonb), or null. */
function unstorable(root: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  const badString = (s: string) => s.includes('\u0000') || !s.isWellFormed();
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, depth } = item;
    if (depth > maxDepth) return `is nested deeper than ${maxDepth} levels`;
    if (typeof value === 'string') {
      if (badString(value)) return 'contains a NUL character or a lone surrogate, which cannot be stored';
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (badString(key)) return 'contains a NUL character or a lone surrogate, which cannot be stored';
        stack.push({ value: item, depth: depth + 1 });
      }
    }
  }
  return null;
}
