// "Test connection" for a Bitbucket integration: an app password authenticates as
// username:password (Basic); Bitbucket lists the credential's scopes in `X-OAuth-Scopes`.
import { bitbucketClient } from '@spedy/protocol/git-providers/bitbucket';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import { unansweredMessage } from './provider-transport.ts';
import { bitbucketScopes, permissionLabel, type IntegrationTestResult } from './providers.ts';

// Scopes imply the lower ones: admin ⊃ write ⊃ read.
const satisfiedBy: Record<(typeof bitbucketScopes)[number]['key'], string[]> = {
  'repository:write': ['repository:write', 'repository:admin'],
  'pullrequest:write': ['pullrequest:write'],
};

function refused(error: ProviderApiError): IntegrationTestResult {
  if (error.status === 0) return { ok: false, missing: [], message: unansweredMessage(error) };
  if (error.status === 401) {
    return { ok: false, missing: [], message: 'Bitbucket refused the username and app password. Check both, or create a new app password.' };
  }
  return { ok: false, missing: [], message: `Bitbucket answered ${error.status}${error.said ? `: ${error.said}` : ''}. The app password needs the Account: Read scope.` };
}

export async function testBitbucketConnection(input: { apiUrl: string; username: string; token: string }, transport: ProviderTransport): Promise<IntegrationTestResult> {
  let user: { account?: string; scopes: string[] | null };
  try {
    user = await bitbucketClient(input, transport).user();
  } catch (error) {
    if (error instanceof ProviderApiError) return refused(error);
    throw error;
  }
  const { account, scopes } = user;
  if (scopes === null) {
    return {
      ok: true,
      account,
      missing: [],
      message: `Connected as ${account}. Bitbucket did not list the credential's scopes; make sure it has Repositories: Write and Pull requests: Write.`,
    };
  }
  const granted = new Set(scopes);
  const missing = bitbucketScopes.filter((s) => !satisfiedBy[s.key].some((g) => granted.has(g))).map(permissionLabel);
  return missing.length
    ? { ok: false, account, missing, message: `Connected as ${account}, but the app password lacks scopes the runner needs.` }
    : { ok: true, account, missing, message: `Connected as ${account}. The app password has every scope the runner needs.` };
}
