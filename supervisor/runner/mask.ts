// The secret masker: the one function that hides secret values in what leaves the
// supervisor (events, log lines, status reasons, commit messages, pull request bodies).
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
