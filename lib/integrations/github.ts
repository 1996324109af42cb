// "Test connection" for a GitHub integration: who the token is, and which of the spec's
// permissions (Contents RW, Pull requests RW, Metadata R) it lacks.
//
// Classic tokens answer with `X-OAuth-Scopes`; `repo` covers everything the runner needs.
// Fine-grained and app installation tokens have no endpoint that lists their permissions,
// so we probe one repository they can reach (githubClient.probePermissions): nothing is created.
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import { githubClient, type GithubPermissionProbe } from '@spedy/protocol/git-providers/github';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import { mintInstallationToken, type GithubAppCredentials } from './github-app.ts';
import { unansweredMessage } from './provider-transport.ts';
import { githubPermissions, permissionLabel, type GithubPermissionKey, type IntegrationTestResult } from './providers.ts';

const label = (key: GithubPermissionKey) => permissionLabel(githubPermissions.find((p) => p.key === key)!);

function refused(error: ProviderApiError): IntegrationTestResult {
  if (error.status === 0) return { ok: false, missing: [], message: unansweredMessage(error) };
  if (error.status === 401) {
    return { ok: false, missing: [], message: 'GitHub refused the token (bad credentials). It may be expired or revoked; paste a new one.' };
  }
  return { ok: false, missing: [], message: `GitHub answered ${error.status}${error.said ? `: ${error.said}` : ''}. Check the token kind and the API URL.` };
}

function missingPermissions(probe: GithubPermissionProbe): GithubPermissionKey[] {
  const allowed = (status: number, ...ok: number[]) => status < 300 || ok.includes(status);
  const missing: GithubPermissionKey[] = [];
  // 409: the repository is empty, which only a reader is told. 422: a write refused for its empty body, after the permission check.
  if (!allowed(probe.contentsRead, 409) || !allowed(probe.contentsWrite, 422)) missing.push('contents');
  if (!allowed(probe.pullsRead) || !allowed(probe.pullsWrite, 422)) missing.push('pull_requests');
  if (!allowed(probe.metadata)) missing.push('metadata');
  return missing;
}

export async function testGithubConnection(
  input: { apiUrl: string; tokenKind: 'personal' | 'app_installation'; token: string },
  transport: ProviderTransport,
): Promise<IntegrationTestResult> {
  const github = githubClient(input, transport);
  try {
    let account: string | undefined;
    let repo: { fullName: string; owner?: string } | undefined;
    if (input.tokenKind === 'personal') {
      const user = await github.authenticatedUser();
      account = user.login;
      if (user.scopes !== null) {
        if (user.scopes.includes('repo')) return { ok: true, account, missing: [], message: `Connected as ${account}. The classic token has the repo scope.` };
        return {
          ok: false,
          account,
          missing: [label('contents'), label('pull_requests')],
          message: `The classic token lacks the repo scope (it has: ${user.scopes.filter(Boolean).join(', ') || 'none'}). Create one with repo, or a fine-grained token with the permissions below.`,
        };
      }
      // A refused repository list reads as "no repository", as it always has.
      repo = await github.firstRepository('personal').catch((error: unknown) => {
        if (error instanceof ProviderApiError && error.status > 0) return undefined;
        throw error;
      });
    } else {
      repo = await github.firstRepository('app_installation');
      account = repo?.owner;
    }
    if (!repo) {
      return { ok: false, account, missing: [], message: 'The token can reach no repository. Give it access to the repositories the runner works on, then test again.' };
    }
    const missing = missingPermissions(await github.probePermissions(repo.fullName)).map(label);
    const who = account ? `Connected as ${account}` : 'Connected';
    return missing.length
      ? { ok: false, account, missing, message: `${who}, but the token lacks permissions the runner needs (checked on ${repo.fullName}).` }
      : { ok: true, account, missing, message: `${who}. The token has every permission the runner needs (checked on ${repo.fullName}).` };
  } catch (error) {
    if (error instanceof ProviderApiError) return refused(error);
    throw error;
  }
}

/** A GitHub App: mint an installation token with the key, then check it as any installation token. */
export async function testGithubAppConnection(app: GithubAppCredentials, transport: ProviderTransport): Promise<IntegrationTestResult> {
  let token: string;
  try {
    token = (await mintInstallationToken(app, transport, Date.now())).token;
  } catch (error) {
    if (!(error instanceof ProviderApiError)) throw error;
    if (error.status === 0) return { ok: false, missing: [], message: unansweredMessage(error) };
    if (error.status === 401) {
      return { ok: false, missing: [], message: `GitHub refused the App's signed request (${error.said ?? 'bad credentials'}). Check the App ID and that the private key is one of this App's keys.` };
    }
    if (error.status === 404) {
      return { ok: false, missing: [], message: `App ${app.appId} has no installation ${app.installationId}. Install the App on the account that owns the repositories and copy the ID from the installation's URL.` };
    }
    return refused(error);
  }
  const result = await testGithubConnection({ apiUrl: app.apiUrl, tokenKind: 'app_installation', token }, transport);
  return result.ok ? { ...result, message: `${result.message} Spedy mints a fresh installation token for every job.` } : result;
}
