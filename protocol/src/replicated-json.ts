// JSON a runner sends that the platform stores in replicated columns (event payloads, job
// results): Zero reads a number beyond ±2^53 as a BigInt and its replication fails on it, so
// such a number is refused here, at the door, with a message the runner's log can show.
import { z } from 'zod';

/** The path of the first number beyond Number.MAX_SAFE_INTEGER in `value`, or null. */
export function unsafeNumberPath(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Math.abs(value) > Number.MAX_SAFE_INTEGER ? path || '(the value)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = unsafeNumberPath(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

/** A JSON object whose numbers all fit in ±2^53 (9007199254740991). */
export const replicatedJsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const at = unsafeNumberPath(value);
  if (at) ctx.addIssue({ code: 'custom', message: `${at} is a number beyond ±9007199254740991, which the board cannot show; send it as a string` });
});
