// What an event looks like when it leaves the supervisor: plain JSON that PostgreSQL can
// store (no NUL characters or lone surrogates, bounded nesting and size, which the platform
// would otherwise refuse with the whole batch), with every secret masked and then long
// strings cut (in that order: a secret cut in half would no longer be recognised).
//
// Masking runs on each string of the serialised payload (keys included) rather than on
// the JSON text: a secret with a quote or backslash is escaped in JSON text and would slip
// past a text search, and a replacement inside JSON text could break its syntax.
import { maxEventTypeLength } from '@spedy/protocol/job-events';
import type { JobEvent } from '../runner/job-context.ts';
import { clip, maxEventTextLength, maxPlanLength } from '../runner/job-events.ts';
import { maskDeep } from '../runner/mask.ts';

/** An event's serialised payload above this is replaced by a truncated preview. */
export const maxEventBytes = 256 * 1024;
const previewChars = 16 * 1024;
const maxDepth = 32;

export type Mask = (text: string) => string;
export type PreparedEvent = { type: string; payload: Record<string, unknown>; bytes: number };

export function prepareEvent(event: JobEvent, mask: Mask): PreparedEvent {
  const type = clean(String(event.type)).slice(0, maxEventTypeLength) || 'event';
  let plain: unknown;
  try {
    plain = JSON.parse(JSON.stringify(event.payload ?? {}));
  } catch (error) {
    plain = { unserialisable: error instanceof Error ? error.message : String(error) };
  }
  const limit = type === 'plan' ? maxPlanLength : maxEventTextLength;
  const walked = maskDeep(plain, (text) => clip(mask(clean(text)), limit), maxDepth);
  const payload = walked !== null && typeof walked === 'object' && !Array.isArray(walked) ? (walked as Record<string, unknown>) : { value: walked };
  const text = JSON.stringify(payload);
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxEventBytes) return { type, payload, bytes };
  const truncated = { truncated: true, bytes, preview: clean(text.slice(0, previewChars)) };
  return { type, payload: truncated, bytes: Buffer.byteLength(JSON.stringify(truncated)) };
}

/** PostgreSQL stores neither NUL characters nor lone surrogates. */
function clean(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}
