import { nanoid } from 'nanoid';
import pg from 'pg';

export type TestAccount = {
  userID: string;
  email: string;
  password: string;
  /** The session token, sent as `Authorization: Bearer` (Better Auth's bearer plugin). */
  token: string;
  /** The browser's session cookie header. */
  cookie: string;
  orgID: string;
  orgSlug: string;
};

/** Signs a fresh user up through the real auth endpoint; sign-up creates their own organization. */
export async function signUp(appUrl: string, databaseUrl: string, name = 'Test User'): Promise<TestAccount> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${nanoid(6).toLowerCase()}@example.test`;
  const password = `pw-${nanoid(12)}`;
  const res = await fetch(`${appUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: appUrl },
    body: JSON.stringify({ email, password, name }),
  });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  const token = res.headers.get('set-auth-token');
  if (!token) throw new Error('sign-up returned no set-auth-token header');
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; slug: string }>(
      'SELECT o.id, o.slug FROM organization o JOIN member m ON m.organization_id = o.id WHERE m.user_id = $1',
      [body.user.id],
    );
    return { userID: body.user.id, email, password, token, cookie, orgID: rows[0].id, orgSlug: rows[0].slug };
  } finally {
    await client.end();
  }
}
