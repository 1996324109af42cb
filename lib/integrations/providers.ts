// Git providers the runner reuses (Settings → Integrations): what a connection needs,
// what permissions its token must carry, and the shape of a test result. Pure: the
// Integrations page imports it for its forms and the permissions table.
import { z } from 'zod';

export const gitProviders = ['github', 'bitbucket'] as const;
export type GitProvider = (typeof gitProviders)[number];

export const providerLabels: Record<GitProvider, string> = { github: 'GitHub', bitbucket: 'Bitbucket' };

export const defaultApiUrls: Record<GitProvider, string> = {
  github: 'https://api.github.com',
  bitbucket: 'https://api.bitbucket.org/2.0',
};

export const tokenKindLabels = {
  personal: 'Personal access token',
  app_installation: 'GitHub App installation token',
  app_password: 'App password',
} as const;
export type TokenKind = keyof typeof tokenKindLabels;

/** The spec's table (Step 2): what the GitHub token needs so the runner can clone, push and open pull requests. */
export const githubPermissions = [
  { key: 'contents', name: 'Contents', access: 'Read and write', why: 'Clone repos, read files, push commits and branches' },
  { key: 'pull_requests', name: 'Pull requests', access: 'Read and write', why: 'Create and update pull requests' },
  { key: 'metadata', name: 'Metadata', access: 'Read-only', why: 'Required by GitHub for all tokens (granted automatically)' },
] as const;
export type GithubPermissionKey = (typeof githubPermissions)[number]['key'];

/** Bitbucket app password scopes, in Bitbucket's words (write implies read). */
export const bitbucketScopes = [
  { key: 'repository:write', name: 'Repositories', access: 'Write', why: 'Clone repos, push commits and branches' },
  { key: 'pullrequest:write', name: 'Pull requests', access: 'Write', why: 'Create and update pull requests' },
] as const;

/** "Contents: Read and write" — how a missing permission is listed in a test result. */
export function permissionLabel(p: { name: string; access: string }): string {
  return `${p.name}: ${p.access}`;
}

export type IntegrationTestResult = {
  ok: boolean;
  /** The login the token acts as, when the provider told us. */
  account?: string;
  /** Permission labels (permissionLabel) the token lacks. */
  missing: string[];
  message: string;
};

const apiUrl = z
  .string()
  .trim()
  .max(500, 'The API URL is at most 500 characters.')
  .url('The API URL must be a full URL such as https://github.example.com/api/v3.')
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'The API URL must start with https:// (or http:// for a server on your network).')
  .refine((u) => !new URL(u).username && !new URL(u).password, 'Leave credentials out of the API URL; paste the token in its own field.')
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'The API URL takes no ?query or #fragment.')
  .transform((u) => u.replace(/\/+$/, ''));

const token = z
  .string({ message: 'Paste the token as text.' })
  .trim()
  .min(1, 'Paste the token.')
  .max(1000, 'Tokens are at most 1,000 characters.')
  .regex(/^[\x21-\x7e]+$/, 'The token contains spaces or characters a token never has; paste it again.');

// An empty field means the provider's default.
const optionalApiUrl = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), apiUrl.optional());

/**
 * The body of `POST /api/orgs/[orgId]/integrations`: connects the provider, or replaces
 * its token and settings (rotate). A new API URL always comes with a token, so a stored
 * token is never sent to a URL it was not entered for.
 */
export const connectIntegrationInput = z.discriminatedUnion(
  'provider',
  [
    z.object({
      provider: z.literal('github'),
      tokenKind: z.enum(['personal', 'app_installation'], { message: 'GitHub tokens are "personal" or "app_installation".' }),
      token,
      apiUrl: optionalApiUrl,
    }),
    z.object({
      provider: z.literal('bitbucket'),
      tokenKind: z.literal('app_password', { message: 'Bitbucket connects with an "app_password".' }).default('app_password'),
      username: z
        .string({ message: 'Enter your Bitbucket username.' })
        .trim()
        .min(1, 'Enter your Bitbucket username (Personal settings → Account settings).')
        .max(100, 'Usernames are at most 100 characters.')
        .regex(/^[A-Za-z0-9_.@+-]+$/, 'A Bitbucket username has letters, digits and _ . @ + - only.'),
      token,
      apiUrl: optionalApiUrl,
    }),
  ],
  { message: 'Choose the provider: "github" or "bitbucket".' },
);
export type ConnectIntegrationInput = z.infer<typeof connectIntegrationInput>;
