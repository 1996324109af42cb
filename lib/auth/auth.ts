import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { nextCookies } from 'better-auth/next-js';
import { APIError } from 'better-auth/api';
import { bearer, organization } from 'better-auth/plugins';
import { getConfig } from '../config.ts';
import { getDb } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import { createPersonalOrganization } from './personal-organization.ts';
import { clientAddressHeader } from '../runners/authenticate.ts';
import { invitationValidFor, takeSetupCode } from './setup-code.ts';
import { invitationHeader, setupCodeHeader } from './sign-up-headers.ts';
import { decideSignUp, signUpMode, type SignUpDecision } from './sign-up-policy.ts';


type EndpointContext = { headers?: Headers } | null | undefined;

async function decideFor(db: ReturnType<typeof getDb>, email: string, context: EndpointContext): Promise<SignUpDecision> {
  const mode = signUpMode(getConfig());
  const setupCode = context?.headers?.get(setupCodeHeader)?.trim() || undefined;
  const invitationId = context?.headers?.get(invitationHeader)?.trim() || undefined;
  const invitationValid = invitationId ? await invitationValidFor(db, invitationId, email) : false;
  // Only an invite-only install spends a setup code, and only when no invitation let the person in.
  const setupCodeValid = mode === 'invite' && !invitationValid && setupCode ? await takeSetupCode(db, setupCode) : false;
  return decideSignUp(mode, { setupCode, invitationId }, { invitationValid, setupCodeValid });
}

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
        rateLimit: schema.rateLimit,
        organization: schema.organization,
        member: schema.member,
        invitation: schema.invitation,
      },
    }),
    // Counted in PostgreSQL (every instance shares one limit) per real client address: server/main.ts
    // sets that header from the socket, or from X-Forwarded-For of a trusted proxy only.
    rateLimit: { enabled: config.SPEDY_AUTH_RATE_LIMIT === '1', storage: 'database' },
    advanced: { ipAddress: { ipAddressHeaders: [clientAddressHeader] } },
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    databaseHooks: {
      user: {
        create: {
          before: async (user, context) => {
            const decision = await decideFor(db, user.email, context);
            if (!decision.allowed) throw new APIError('FORBIDDEN', { message: decision.message });
          },
          after: async (user, context) => {
            // The before-hook let an invited person in on an invite-only install: they join the inviting organization only.
            const invited = signUpMode(getConfig()) === 'invite' && Boolean(context?.headers?.get(invitationHeader));
            if (!invited) await createPersonalOrganization(db, user);
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
