// The git credentials a job's repositories need, for the one runner that holds the job
// (GET /api/v1/runners/jobs/:id/git-access): the third door decrypted values leave by, after
// the bootstrap bundle and a job's MCP credentials. A GitHub App's private key never leaves:
// the runner gets an installation token minted from it (lib/integrations/github-app.ts),
// good for at least half an hour, and asks again before each clone and push.
//
// It also says which repositories the runner cannot deliver to, so a job is refused in
// Preparing, before any agent runs, instead of failing at the push.
import { eq, sql } from 'drizzle-orm';
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import type { JobGitAccess, JobSnapshot } from '@spedy/protocol/wire';
import { gitIntegration, gitIntegrationSecret } from '../db/schema.ts';
import { installationTokens, type InstallationTokenCache } from '../integrations/github-app.ts';
import { platformProviderTransport, unansweredMessage } from '../integrations/provider-transport.ts';
import { providerLabels, retiredTokenKinds } from '../integrations/providers.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { assertJobNotFinished, findHeldJob } from '../jobs/held-job.ts';
import { integrationAad } from './bootstrap.ts';
import { open, type Keyring } from './vault.ts';

type Repository = JobSnapshot['repositories'][number];
type Integration = typeof gitIntegration.$inferSelect & { ciphertext: string; keyVersion: number };

/** Why the runner cannot deliver to a repository of this provider, or its credentials. */
type Verdict = { access: GitProviderAccess } | { refused: string };

async function verdictFor(integration: Integration | undefined, provider: 'github' | 'bitbucket', keyring: Keyring, tokens: InstallationTokenCache): Promise<Verdict> {
  const label = providerLabels[provider];
  if (!integration) return { refused: `Connect ${label} under Settings → Integrations: Spedy clones, pushes and opens pull requests with that integration.` };
  if (!integration.active) return { refused: `The ${label} integration is turned off: turn it on under Settings → Integrations.` };
  const retired = retiredTokenKinds[integration.tokenKind];
  if (retired) return { refused: retired };
  const secret = open(keyring, integration, integrationAad(integration.organizationId, integration.id));
  const base = { provider, apiUrl: integration.apiUrl, username: null };
  if (integration.tokenKind === 'api_token') return { access: { ...base, token: secret, email: integration.accountEmail } };
  if (integration.tokenKind !== 'github_app') return { access: { ...base, token: secret } };
  try {
    const token = await tokens.tokenFor(
      { id: integration.id, version: integration.rotatedAt },
      { apiUrl: integration.apiUrl, appId: integration.githubAppId ?? '', installationId: integration.githubInstallationId ?? '', privateKey: secret },
      platformProviderTransport(),
    );
    return { access: { ...base, token } };
  } catch (error) {
    if (!(error instanceof ProviderApiError)) throw error;
    const why = error.status === 0 ? unansweredMessage(error) : error.message;
    return { refused: `GitHub did not give the GitHub App an installation token (${why}). Test the connection under Settings → Integrations.` };
  }
}

const gitlabRefusal = (fullName: string) =>
  `${fullName} is on GitLab, where the runner can neither push nor open a merge request. Unlink it under Build & Validate (or link a GitHub or Bitbucket mirror instead).`;

/** What the runner needs to clone, push and open pull requests for `repositories` in `orgId`. */
export async function gitAccessFor(
  db: DbOrTx,
  keyring: Keyring,
  orgId: string,
  repositories: readonly Pick<Repository, 'provider' | 'fullName'>[],
  tokens: InstallationTokenCache = installationTokens(),
): Promise<JobGitAccess> {
  const integrations = await db
    .select({ row: gitIntegration, ciphertext: gitIntegrationSecret.ciphertext, keyVersion: gitIntegrationSecret.keyVersion })
    .from(gitIntegration)
    .innerJoin(gitIntegrationSecret, eq(gitIntegrationSecret.integrationId, gitIntegration.id))
    .where(eq(gitIntegration.organizationId, orgId));
  const verdicts = new Map<'github' | 'bitbucket', Verdict>();
  for (const provider of ['github', 'bitbucket'] as const) {
    if (!repositories.some((r) => r.provider === provider)) continue;
    const found = integrations.find((i) => i.row.provider === provider);
    verdicts.set(provider, await verdictFor(found && { ...found.row, ciphertext: found.ciphertext, keyVersion: found.keyVersion }, provider, keyring, tokens));
  }
  const git = [...verdicts.values()].flatMap((v) => ('access' in v ? [v.access] : []));
  const refused = repositories.flatMap((repository) => {
    if (repository.provider === 'gitlab') return [{ repository: repository.fullName, reason: gitlabRefusal(repository.fullName) }];
    const verdict = verdicts.get(repository.provider);
    return verdict && 'refused' in verdict ? [{ repository: repository.fullName, reason: verdict.refused }] : [];
  });
  return { git, refused };
}

/** The git access of the job `runner` holds, while it is not finished. */
export async function openJobGitAccess(db: DbOrTx, keyring: Keyring, runner: { id: string; organizationId: string }, jobId: string): Promise<JobGitAccess> {
  const job = await findHeldJob(db, runner, jobId);
  assertJobNotFinished(job, 'its git credentials are no longer handed out');
  const { rows } = await db.execute<{ snapshot: JobSnapshot }>(sql`SELECT snapshot FROM secure.job_snapshot WHERE job_id = ${job.id}`);
  return gitAccessFor(db, keyring, runner.organizationId, rows[0]?.snapshot.repositories ?? []);
}
