// Bitbucket credentials in the provider stand-in, checked as Bitbucket Cloud checks them:
// an API token is Basic `<Atlassian account email>:<token>`; an app password (retired by
// Atlassian in 2026, kept for tests of the message older rows get) is Basic
// `<username>:<app password>`. Anything else is 401.
// (https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/)

export type BitbucketCredential =
  /** An API token with scopes (write:repository:bitbucket, write:pullrequest:bitbucket, …). */
  | { kind: 'bitbucket-api-token'; email: string; username: string; scopes: string[] }
  /** A Bitbucket app password: Basic username:password; classic scopes (repository:write, pullrequest:write, …). */
  | { kind: 'bitbucket-app-password'; username: string; scopes: string[] };

/** An API token's scope in the classic name the stand-in's routes check (write:pullrequest:bitbucket → pullrequest:write). */
const classicScope = (scope: string) => {
  const match = /^(read|write|admin|delete):([a-z]+):bitbucket$/.exec(scope);
  if (!match) return scope;
  return match[1] === 'read' ? match[2]! : `${match[2]}:${match[1]}`;
};

/** The account a request authenticates as, with its scopes in classic names, or undefined (401). */
export function bitbucketAccount(
  authorization: string | undefined,
  credentialOf: (token: string) => { kind: string } | undefined,
): { username: string; scopes: string[]; credential: BitbucketCredential } | undefined {
  const basic = /^Basic (.+)$/.exec(authorization ?? '')?.[1];
  const [user, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
  const found = password ? credentialOf(password) : undefined;
  if (found?.kind === 'bitbucket-api-token') {
    const credential = found as Extract<BitbucketCredential, { kind: 'bitbucket-api-token' }>;
    return credential.email === user ? { username: credential.username, scopes: credential.scopes.map(classicScope), credential } : undefined;
  }
  if (found?.kind === 'bitbucket-app-password') {
    const credential = found as Extract<BitbucketCredential, { kind: 'bitbucket-app-password' }>;
    return credential.username === user ? { username: credential.username, scopes: credential.scopes, credential } : undefined;
  }
  return undefined;
}
