// POST /api/orgs/[orgId]/integrations — connect GitHub or Bitbucket, or replace the
// provider's token and settings (rotate). Answers with the masked preview, never the token.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { connectIntegration } from '@/lib/integrations/connections';
import { connectIntegrationInput } from '@/lib/integrations/providers';
import { getKeyring } from '@/lib/secrets/keyring';

export const POST = withSession({ permission: 'integrations:manage', body: connectIntegrationInput }, async ({ orgId, body }) => {
  const integration = await connectIntegration(getDb(), getKeyring(), orgId, body);
  return { integration };
});
