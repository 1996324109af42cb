// The secret masker: the function that hides secret values in what leaves the supervisor
// (events, log lines, status reasons, results, commit messages, pull request bodies) and
// what the pre-push scan looks for. A job's values are collected in its secret set
// (job-secrets.ts), which masks with these.
//
// A value is looked for in every form an agent could turn it into without a key: as it is,
// base64 (standard and URL alphabets, at each of the three byte alignments it can have in
// a longer encoded text, line-wrapped or not), URL-encoded, hex (either case, wrapped or
// not) and JSON-escaped. Values shorter than 8 characters are left alone: masking "true"
// or "1234" would garble ordinary text without protecting anything worth a secret.

export const maskedValue = '••••';
export const minMaskedLength = 8;

/** How a form of a value was made; the pre-push scan names it. */
export type SecretFormKind = 'plain' | 'base64' | 'url-encoded' | 'hex' | 'json-escaped';

export interface SecretForm {
  kind: SecretFormKind;
  text: string;
  /** Tools wrap base64 and hex output (base64 at 76 columns, xxd -p at 60): a line break may fall between any two characters. */
  wraps: boolean;
}

const base64Alphabets = [(s: string) => s, (s: string) => s.replaceAll('+', '-').replaceAll('/', '_')];

/**
 * The characters of `value`'s base64 that do not depend on what surrounds it, when it starts
 * `shift` bytes (0–2) into a 3-byte group: the first characters mix in the bytes before it,
 * the last one the bytes after it, so they are left out.
 */
function base64Core(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const from = Math.ceil((shift * 8) / 6);
  const to = Math.floor(((shift + bytes.length) * 8) / 6);
  return encoded.slice(from, to);
}

/** Every form of `value` the masker hides, the value itself first; none for a value too short to mask. */
export function secretForms(value: string): SecretForm[] {
  if (value.length < minMaskedLength) return [];
  const forms: SecretForm[] = [{ kind: 'plain', text: value, wraps: false }];
  const seen = new Set([value]);
  const add = (kind: SecretFormKind, text: string, wraps = false) => {
    if (text.length < minMaskedLength || seen.has(text)) return;
    seen.add(text);
    forms.push({ kind, text, wraps });
  };
  const bytes = Buffer.from(value, 'utf8');
  for (const shift of [0, 1, 2]) for (const alphabet of base64Alphabets) add('base64', alphabet(base64Core(bytes, shift)), true);
  const url = encodeURIComponent(value);
  add('url-encoded', url);
  add('url-encoded', url.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()));
  add('url-encoded', url.replaceAll('%20', '+'));
  const hex = bytes.toString('hex');
  add('hex', hex, true);
  add('hex', hex.toUpperCase(), true);
  add('json-escaped', JSON.stringify(value).slice(1, -1));
  return forms;
}

const lineBreak = '(?:\\r?\\n)?';

function formPattern(form: SecretForm): string {
  const chars = [...form.text].map((char) => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return chars.join(form.wraps ? lineBreak : '');
}

/** One secret list made ready: a single regular expression over every form of every value, longest first. */
export interface CompiledSecrets {
  pattern: RegExp | null;
  /** Each form's text → the value it came from and how. */
  origins: Map<string, { value: string; kind: SecretFormKind }>;
}

/**
 * A list may grow (a job's MCP credentials join its secrets when a stage fetches them), so the
 * prepared copy is kept with the length it was made from.
 */
const prepared = new WeakMap<readonly string[], { length: number; compiled: CompiledSecrets }>();

export function compileSecrets(secrets: readonly string[]): CompiledSecrets {
  let entry = prepared.get(secrets);
  if (!entry || entry.length !== secrets.length) {
    const origins = new Map<string, { value: string; kind: SecretFormKind }>();
    const forms: SecretForm[] = [];
    for (const value of new Set(secrets)) {
      for (const form of secretForms(value)) {
        if (origins.has(form.text)) continue;
        origins.set(form.text, { value, kind: form.kind });
        forms.push(form);
      }
    }
    // Longest first, so a secret that contains another is hidden whole.
    forms.sort((a, b) => b.text.length - a.text.length);
    const compiled: CompiledSecrets = {
      pattern: forms.length === 0 ? null : new RegExp(forms.map(formPattern).join('|'), 'g'),
      origins,
    };
    entry = { length: secrets.length, compiled };
    prepared.set(secrets, entry);
  }
  return entry.compiled;
}

/** `text` with every secret value of at least 8 characters, in any of its forms, replaced by `••••`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const { pattern } = compileSecrets(secrets);
  if (!pattern) return text;
  return text.replace(pattern, maskedValue);
}

/** The secret values found in `text` (in any form), each with the form it was found in. */
export function findSecrets(text: string, secrets: readonly string[]): { value: string; kind: SecretFormKind }[] {
  const { pattern, origins } = compileSecrets(secrets);
  if (!pattern) return [];
  const found = new Map<string, { value: string; kind: SecretFormKind }>();
  for (const match of text.matchAll(pattern)) {
    const origin = origins.get(match[0].replace(/\r?\n/g, ''));
    if (origin && !found.has(origin.value)) found.set(origin.value, origin);
  }
  return [...found.values()];
}

/**
 * `pieces` masked as the one text they make together, each keeping its own boundaries: a
 * value an agent split over several messages (7 characters each, say) is hidden in every
 * piece that holds part of it, as well as a value inside one piece.
 */
export function maskAcross(pieces: readonly string[], secrets: readonly string[]): string[] {
  const { pattern } = compileSecrets(secrets);
  if (!pattern || pieces.length === 0) return [...pieces];
  const joined = pieces.join('');
  const matches = [...joined.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length] as const);
  let start = 0;
  return pieces.map((piece) => {
    const end = start + piece.length;
    let out = '';
    let at = start;
    for (const [from, to] of matches) {
      if (to <= start || from >= end) continue;
      out += joined.slice(at, Math.max(from, start)) + maskedValue;
      at = Math.min(to, end);
    }
    out += joined.slice(at, end);
    start = end;
    return maskSecrets(out, secrets);
  });
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
