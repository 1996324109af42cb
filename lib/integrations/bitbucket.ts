// "Test connection" for a Bitbucket integration: an app password authenticates as
// username:password (Basic); Bitbucket lists the credential's scopes in `X-OAuth-Scopes`
// and says what kind of credential it saw in `X-Credential-Type`.
import { bitbucketScopes, permissionLabel, type IntegrationTestResult } from './providers.ts';
import { providerMessage, providerRequest, ProviderUnreachableError } from './provider-request.ts';

// Scopes imply the lower ones: admin ⊃ write ⊃ read.
const satisfiedBy: Record<(typeof bitbucketScopes)[number]['key'], string[]> = {
  'repository:write': ['repository:write', 'repository:admin'],
  'pullrequest:write': ['pullrequest:write'],
};

export async function testBitbucketConnection(input: { apiUrl: string; username: string; token: string }): Promise<IntegrationTestResult> {
  const authorization = `Basic ${Buffer.from(`${input.username}:${input.token}`).toString('base64')}`;
  try {
    const user = await providerRequest(`${input.apiUrl}/user`, { authorization });
    if (user.status === 401) {
      return { ok: false, missing: [], message: 'Bitbucket refused the username and app password. Check both, or create a new app password.' };
    }
    if (user.status >= 300) {
      const said = providerMessage(user.body);
      return { ok: false, missing: [], message: `Bitbucket answered ${user.status}${said ? `: ${said}` : ''}. The app password needs the Account: Read scope.` };
    }
    const body = user.body as { username?: string; display_name?: string } | null;
    const account = body?.username ?? body?.display_name;
    const header = user.headers.get('x-oauth-scopes');
    if (header === null) {
      return {
        ok: true,
        account,
        missing: [],
        message: `Connected as ${account}. Bitbucket did not list the credential's scopes; make sure it has Repositories: Write and Pull requests: Write.`,
      };
    }
    const granted = new Set(header.split(',').map((s) => s.trim()));
    const missing = bitbucketScopes.filter((s) => !satisfiedBy[s.key].some((g) => granted.has(g))).map(permissionLabel);
    return missing.length
      ? { ok: false, account, missing, message: `Connected as ${account}, but the app password lacks scopes the runner needs.` }
      : { ok: true, account, missing, message: `Connected as ${account}. The app password has every scope the runner needs.` };
  } catch (error) {
    if (error instanceof ProviderUnreachableError) return { ok: false, missing: [], message: error.message };
    throw error;
  }
}
