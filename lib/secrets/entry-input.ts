// What a vault entry may be: the rules the Secrets tab checks inline and the
// `PUT /api/orgs/[orgId]/secrets` route enforces. Pure (no Node APIs): the browser imports it.
import { z } from 'zod';

export const anthropicEnvName = 'ANTHROPIC_API_KEY';
export const maxSecretValueLength = 8192;

/**
 * Names a custom entry may not take: the runner sets them itself (the git tokens come
 * from Settings → Integrations, SPEDY_* from its own configuration), the container needs
 * them as they are, or they would let a value change what code the runner loads.
 */
export const reservedEnvNames: ReadonlySet<string> = new Set([
  anthropicEnvName,
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'BITBUCKET_TOKEN',
  'BITBUCKET_USERNAME',
  'PATH',
  'HOME',
  'USER',
  'SHELL',
  'PWD',
  'HOSTNAME',
  'TERM',
  'LANG',
  'TMPDIR',
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONPATH',
  'BASH_ENV',
  'ENV',
  'GIT_ASKPASS',
  'GIT_SSH_COMMAND',
  'SSH_AUTH_SOCK',
]);
const reservedPrefixes = ['SPEDY_', 'LD_', 'DYLD_', 'GIT_CONFIG'];

function reservedReason(name: string): string | null {
  if (name === anthropicEnvName) return `${anthropicEnvName} is set through the Anthropic (Claude) preset; pick that preset instead of Custom.`;
  if (name === 'GITHUB_TOKEN' || name === 'GH_TOKEN' || name.startsWith('BITBUCKET_')) {
    return `${name} comes from Settings → Integrations; connect GitHub or Bitbucket there instead.`;
  }
  const prefix = reservedPrefixes.find((p) => name.startsWith(p));
  if (prefix) return `Names starting with ${prefix} are reserved for the runner and its container; choose another name.`;
  if (reservedEnvNames.has(name)) return `${name} is reserved for the runner and its container; choose another name.`;
  return null;
}

export const envVarName = z
  .string()
  .trim()
  .min(1, 'Name the environment variable, e.g. NPM_TOKEN.')
  .max(64, 'Environment variable names are at most 64 characters.')
  .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'Use capital letters, digits and underscores, not starting with a digit (e.g. NPM_TOKEN).')
  .superRefine((name, ctx) => {
    const reason = reservedReason(name);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

const secretValue = z
  .string({ message: 'Paste the value as text.' })
  .max(maxSecretValueLength, `Values are at most ${maxSecretValueLength.toLocaleString('en')} characters.`)
  .refine((v) => v.trim().length > 0, 'Paste the value; it is empty.')
  .refine((v) => !v.includes('\0'), 'The value contains a NUL character, which an environment variable cannot hold.');

// Anthropic keys look like sk-ant-api03-<base64url>; a shorter paste is a truncated key.
const anthropicKey = z
  .string({ message: 'Paste the key as text.' })
  .trim()
  .max(maxSecretValueLength, `Values are at most ${maxSecretValueLength.toLocaleString('en')} characters.`)
  .regex(/^sk-ant-[A-Za-z0-9_-]{20,}$/, 'An Anthropic API key starts with sk-ant- followed by letters, digits, - and _; paste the whole key.');

/** The body of `PUT /api/orgs/[orgId]/secrets`: create the entry, or rotate it when the name exists. */
export const secretInput = z.discriminatedUnion(
  'preset',
  [
    z.object({ preset: z.literal('anthropic'), value: anthropicKey }),
    z.object({ preset: z.literal('custom'), name: envVarName, value: secretValue }),
  ],
  { message: 'Choose the preset: "anthropic" or "custom".' },
);
export type SecretInput = z.infer<typeof secretInput>;

export function secretEntryName(input: SecretInput): string {
  return input.preset === 'anthropic' ? anthropicEnvName : input.name;
}
