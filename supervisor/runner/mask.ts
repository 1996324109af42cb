// The secret masker: the function that hides secret values in what leaves the supervisor
// (events, log lines, status reasons, results, commit messages, pull request bodies). A
// job's values are collected in its secret set (job-secrets.ts), which masks with these.
// Values shorter than 8 characters are left alone: masking "true" or "1234" would garble
// ordinary text without protecting anything worth a secret.

export const maskedValue = '••••';
export const minMaskedLength = 8;

/**
 * Values to mask, longest first, so a secret that contains another is hidden whole. A list
 * may grow (a job's MCP credentials join its secrets when a stage fetches them), so the
 * prepared copy is kept with the length it was made from.
 */
const prepared = new WeakMap<readonly string[], { length: number; values: string[] }>();

function maskable(secrets: readonly string[]): string[] {
  let entry = prepared.get(secrets);
  if (!entry || entry.length !== secrets.length) {
    entry = { length: secrets.length, values: [...new Set(secrets.filter((value) => value.length >= minMaskedLength))].sort((a, b) => b.length - a.length) };
    prepared.set(secrets, entry);
  }
  return entry.values;
}

/** `text` with every secret value of at least 8 characters replaced by `••••`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const value of maskable(secrets)) {
    if (masked.includes(value)) masked = masked.replaceAll(value, maskedValue);
  }
  return masked;
}

/** What a deep walk puts where a value is nested deeper than `maxDepth`. */
export const nestedTooDeep = '[nested too deep]';

/**
 * `value` with every string in it (object keys included) passed through `mask`: the one
 * deep walk over events, results and log fields. Arrays and plain objects are copied; an
 * Error becomes its name, message and stack; other values are kept as they are.
 */
export function maskDeep(value: unknown, mask: (text: string) => string, maxDepth = Number.POSITIVE_INFINITY, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return nestedTooDeep;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask, maxDepth, depth + 1));
  if (value instanceof Error) return { type: value.name, message: mask(value.message), stack: value.stack === undefined ? undefined : mask(value.stack) };
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[mask(key)] = maskDeep(item, mask, maxDepth, depth + 1);
  return out;
}
