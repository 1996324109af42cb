// "Test connection" for a Bitbucket integration: an API token authenticates as the Atlassian
// account's email:token (Basic); Bitbucket lists the credential's scopes in `X-OAuth-Scopes`.
import { bitbucketClient } from '@spedy/protocol/git-providers/bitbucket';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import { unansweredMessage } from './provider-transport.ts';
import { bitbucketScopes, permissionLabel, type IntegrationTestResult } from './providers.ts';

// Scopes imply the lower ones: admin ⊃ write ⊃ read (an app password's classic names too).
const satisfiedBy: Record<(typeof bitbucketScopes)[number]['key'], string[]> = {
  'write:repository:bitbucket': ['write:repository:bitbucket', 'admin:repository:bitbucket', 'repository:write', 'repository:admin'],
  'write:pullrequest:bitbucket': ['write:pullrequest:bitbucket', 'pullrequest:write'],
};

function refused(error: ProviderApiError): IntegrationTestResult {
  if (error.status === 0) return { ok: false, missing: [], message: unansweredMessage(error) };
  if (error.status === 401) {
    return {
      ok: false,
      missing: [],
      message: 'Bitbucket refused the email and API token. Check that the email is your Atlassian account’s and that the token has not expired, or create a new one.',
    };
  }
  return { ok: false, missing: [], message: `Bitbucket answered ${error.status}${error.said ? `: ${error.said}` : ''}. The API token needs the scope read:user:bitbucket (Account: Read).` };
}

export async function testBitbucketConnection(
  input: { apiUrl: string; email: string | null; username: string | null; token: string },
  transport: ProviderTransport,
): Promise<IntegrationTestResult> {
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
    ? { ok: false, account, missing, message: `Connected as ${account}, but the API token lacks scopes the runner needs.` }
    : { ok: true, account, missing, message: `Connected as ${account}. The API token has every scope the runner needs.` };
}
