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
  github_app: 'GitHub App',
  app_installation: 'GitHub App installation token (pasted)',
  api_token: 'API token',
  app_password: 'App password (retired)',
} as const;
export type TokenKind = keyof typeof tokenKindLabels;

/**
 * Credentials that no longer serve, with what to create instead: the card shows it, the
 * connection test reports it, and the form no longer accepts them.
 */
export const retiredTokenKinds: Partial<Record<TokenKind, string>> = {
  app_password:
    'Atlassian retired Bitbucket app passwords in 2026. Create an API token with scopes instead (Atlassian account → Security → Create API token with scopes; Bitbucket: Repositories Write, Pull requests Write) and connect it with your Atlassian account email.',
  app_installation:
    'A pasted installation token expires within an hour. Connect the GitHub App instead (App ID, installation ID and private key): Spedy then mints a fresh installation token for every job.',
};

/** The spec's table (Step 2): what the GitHub token needs so the runner can clone, push and open pull requests. */
export const githubPermissions = [
  { key: 'contents', name: 'Contents', access: 'Read and write', why: 'Clone repos, read files, push commits and branches' },
  { key: 'pull_requests', name: 'Pull requests', access: 'Read and write', why: 'Create and update pull requests' },
  { key: 'metadata', name: 'Metadata', access: 'Read-only', why: 'Required by GitHub for all tokens (granted automatically)' },
] as const;
export type GithubPermissionKey = (typeof githubPermissions)[number]['key'];

/** Bitbucket API token scopes, in Bitbucket's words (write implies read). */
export const bitbucketScopes = [
  { key: 'write:repository:bitbucket', name: 'Repositories', access: 'Write', why: 'Clone repos, push commits and branches' },
  { key: 'write:pullrequest:bitbucket', name: 'Pull requests', access: 'Write', why: 'Create and update pull requests' },
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

// GitHub shows both on the App's pages: the App ID under General, the installation ID at the end of the installation's URL.
const githubNumber = (what: string, where: string) =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z.string({ message: `Enter the ${what}.` }).trim().regex(/^[1-9][0-9]{0,19}$/, `The ${what} is a number (${where}).`),
  );

/** The App's private key as GitHub downloads it (.pem); lib/integrations/github-app.ts reads it before anything is stored. */
const privateKeyPem = z
  .string({ message: 'Paste the private key (the .pem file GitHub downloaded).' })
  .trim()
  .max(10_000, 'A private key is at most 10,000 characters.')
  .regex(/^-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----$/, 'Paste the whole private key, from -----BEGIN RSA PRIVATE KEY----- to -----END RSA PRIVATE KEY-----.');

const githubInput = z.discriminatedUnion(
  'tokenKind',
  [
    z.object({ provider: z.literal('github'), tokenKind: z.literal('personal'), token, apiUrl: optionalApiUrl }),
    z.object({
      provider: z.literal('github'),
      tokenKind: z.literal('github_app'),
      appId: githubNumber('App ID', "the App's settings → General"),
      installationId: githubNumber('installation ID', 'the end of the installation’s URL, …/settings/installations/<ID>'),
      privateKey: privateKeyPem,
      apiUrl: optionalApiUrl,
    }),
  ],
  { message: `GitHub connects with "personal" (a token) or "github_app" (a GitHub App). ${retiredTokenKinds.app_installation}` },
);

/**
 * The body of `POST /api/orgs/[orgId]/integrations`: connects the provider, or replaces
 * its credentials and settings (rotate). A new API URL always comes with a credential, so a
 * stored one is never sent to a URL it was not entered for.
 */
export const connectIntegrationInput = z.discriminatedUnion(
  'provider',
  [
    githubInput,
    z.object({
      provider: z.literal('bitbucket'),
      tokenKind: z.literal('api_token', { message: `Bitbucket connects with an "api_token". ${retiredTokenKinds.app_password}` }).default('api_token'),
      email: z
        .string({ message: 'Enter your Atlassian account email.' })
        .trim()
        .max(200, 'The email is at most 200 characters.')
        .email('Enter the email of your Atlassian account (Bitbucket → Personal settings → Email aliases); Bitbucket checks an API token against it.'),
      token,
      apiUrl: optionalApiUrl,
    }),
  ],
  { message: 'Choose the provider: "github" or "bitbucket".' },
);
export type ConnectIntegrationInput = z.infer<typeof connectIntegrationInput>;
