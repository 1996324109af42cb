// "Test connection" for a GitHub integration: who the token is, and which of the spec's
// permissions (Contents RW, Pull requests RW, Metadata R) it lacks.
//
// Classic tokens answer with `X-OAuth-Scopes`; `repo` covers everything the runner needs.
// Fine-grained and app installation tokens have no endpoint that lists their permissions,
// so we probe one repository they can reach: reads with GETs, writes with deliberately
// empty bodies that GitHub refuses with 422 after its permission check (403/404 when the
// permission is missing) — nothing is created.
import { githubPermissions, permissionLabel, type GithubPermissionKey, type IntegrationTestResult } from './providers.ts';
import { providerMessage, providerRequest, ProviderUnreachableError, type ProviderResponse } from './provider-request.ts';

type Repo = { full_name: string; owner?: { login?: string } };

const label = (key: GithubPermissionKey) => permissionLabel(githubPermissions.find((p) => p.key === key)!);

function refused(res: ProviderResponse): IntegrationTestResult | null {
  if (res.status === 401) {
    return { ok: false, missing: [], message: 'GitHub refused the token (bad credentials). It may be expired or revoked; paste a new one.' };
  }
  if (res.status >= 300) {
    const said = providerMessage(res.body);
    return { ok: false, missing: [], message: `GitHub answered ${res.status}${said ? `: ${said}` : ''}. Check the token kind and the API URL.` };
  }
  return null;
}

function firstRepo(body: unknown): Repo | undefined {
  const list = Array.isArray(body) ? body : (body as { repositories?: unknown } | null)?.repositories;
  const repo = Array.isArray(list) ? (list[0] as Repo | undefined) : undefined;
  return repo && typeof repo.full_name === 'string' ? repo : undefined;
}

async function probeRepository(apiUrl: string, authorization: string, repo: Repo): Promise<GithubPermissionKey[]> {
  const base = `${apiUrl}/repos/${repo.full_name.split('/').map(encodeURIComponent).join('/')}`;
  const allowed = (res: ProviderResponse, ...ok: number[]) => res.status < 300 || ok.includes(res.status);
  const [metadata, contentsRead, contentsWrite, pullsRead, pullsWrite] = await Promise.all([
    providerRequest(base, { authorization }),
    providerRequest(`${base}/commits?per_page=1`, { authorization }),
    providerRequest(`${base}/contents/.spedy-permission-check`, { method: 'PUT', authorization, body: {} }),
    providerRequest(`${base}/pulls?per_page=1`, { authorization }),
    providerRequest(`${base}/pulls`, { method: 'POST', authorization, body: {} }),
  ]);
  const missing: GithubPermissionKey[] = [];
  // 409: the repository is empty, which only a reader is told.
  if (!allowed(contentsRead, 409) || !allowed(contentsWrite, 422)) missing.push('contents');
  if (!allowed(pullsRead) || !allowed(pullsWrite, 422)) missing.push('pull_requests');
  if (!allowed(metadata)) missing.push('metadata');
  return missing;
}

export async function testGithubConnection(input: {
  apiUrl: string;
  tokenKind: 'personal' | 'app_installation';
  token: string;
}): Promise<IntegrationTestResult> {
  const authorization = `Bearer ${input.token}`;
  try {
    let account: string | undefined;
    let repo: Repo | undefined;
    if (input.tokenKind === 'personal') {
      const user = await providerRequest(`${input.apiUrl}/user`, { authorization });
      const problem = refused(user);
      if (problem) return problem;
      account = (user.body as { login?: string } | null)?.login;
      const scopes = user.headers.get('x-oauth-scopes');
      if (scopes !== null) {
        const granted = scopes.split(',').map((s) => s.trim());
        if (granted.includes('repo')) return { ok: true, account, missing: [], message: `Connected as ${account}. The classic token has the repo scope.` };
        return {
          ok: false,
          account,
          missing: [label('contents'), label('pull_requests')],
          message: `The classic token lacks the repo scope (it has: ${granted.filter(Boolean).join(', ') || 'none'}). Create one with repo, or a fine-grained token with the permissions below.`,
        };
      }
      repo = firstRepo((await providerRequest(`${input.apiUrl}/user/repos?per_page=1&sort=updated`, { authorization })).body);
    } else {
      const list = await providerRequest(`${input.apiUrl}/installation/repositories?per_page=1`, { authorization });
      const problem = refused(list);
      if (problem) return problem;
      repo = firstRepo(list.body);
      account = repo?.owner?.login;
    }
    if (!repo) {
      return { ok: false, account, missing: [], message: 'The token can reach no repository. Give it access to the repositories the runner works on, then test again.' };
    }
    const missing = (await probeRepository(input.apiUrl, authorization, repo)).map(label);
    const who = account ? `Connected as ${account}` : 'Connected';
    return missing.length
      ? { ok: false, account, missing, message: `${who}, but the token lacks permissions the runner needs (checked on ${repo.full_name}).` }
      : { ok: true, account, missing, message: `${who}. The token has every permission the runner needs (checked on ${repo.full_name}).` };
  } catch (error) {
    if (error instanceof ProviderUnreachableError) return { ok: false, missing: [], message: error.message };
    throw error;
  }
}
