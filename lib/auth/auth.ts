import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { nextCookies } from 'better-auth/next-js';
import { bearer, organization } from 'better-auth/plugins';
import { getConfig } from '../config.ts';
import { getDb } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import { createPersonalOrganization } from './personal-organization.ts';

function createAuth() {
  const config = getConfig();
  const db = getDb();
  return betterAuth({
    secret: config.BETTER_AUTH_SECRET,
    baseURL: config.SPEDY_PUBLIC_URL,
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        organization: schema.organization,
        member: schema.member,
        invitation: schema.invitation,
      },
    }),
    rateLimit: { enabled: config.SPEDY_AUTH_RATE_LIMIT === '1' },
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await createPersonalOrganization(db, user);
          },
        },
      },
    },
    plugins: [
      organization({ creatorRole: 'owner', invitationExpiresIn: 7 * 24 * 3600 }),
      // Node clients (tests, benchmarks, zero-cache's forwarded Authorization header) send the session token as Bearer.
      bearer(),
      nextCookies(),
    ],
  });
}

let auth: ReturnType<typeof createAuth> | undefined;

export function getAuth() {
  auth ??= createAuth();
  return auth;
}
