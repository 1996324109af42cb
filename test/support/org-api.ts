import { nanoid } from 'nanoid';
import { signUp, type TestAccount } from './accounts.ts';
import { sql } from './db.ts';
import { testStack } from './stack-env.ts';

export type ApiAnswer = { status: number; body: Record<string, unknown>; text: string };

/** Calls an organization route the way the browser does: session cookie, JSON body, same-origin. */
export async function orgApi(
  account: Pick<TestAccount, 'cookie'> | null,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const { appUrl } = testStack();
  const res = await fetch(`${appUrl}/api/orgs/${path}`, {
    method,
    headers: {
      origin: appUrl,
      ...(account ? { cookie: account.cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed, text };
}

/** A new account that is also a plain Member (or an admin) of `host`'s organization. */
export async function memberOf(host: TestAccount, name: string, role: 'member' | 'admin' = 'member'): Promise<TestAccount> {
  const { appUrl, databaseUrl } = testStack();
  const account = await signUp(appUrl, databaseUrl, name);
  await sql(databaseUrl, 'INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, $4)', [nanoid(), host.orgID, account.userID, role]);
  return account;
}

/** Next.js compiles a route on its first request in development; do that before the timed tests. */
export async function warmUp(paths: string[]) {
  const { appUrl } = testStack();
  await Promise.all(paths.map((p) => fetch(`${appUrl}/api/orgs/${p}`, { method: 'POST' }).then((r) => r.text())));
}

/** The stack's data folder (logs, secrets.json); `npm test` and the dev stacks set it. */
export function stackDataDir(): string {
  const { dataDir } = testStack();
  if (!dataDir) throw new Error('SPEDY_TEST_DATA_DIR is not set; run the tests under `npm test` or a dev stack.');
  return dataDir;
}
