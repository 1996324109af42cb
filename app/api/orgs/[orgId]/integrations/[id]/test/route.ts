// POST /api/orgs/[orgId]/integrations/[id]/test — call the provider with the stored token,
// record the outcome on the integration (shown live) and return it.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { testIntegration } from '@/lib/integrations/connections';
import { getKeyring } from '@/lib/secrets/keyring';

export const POST = withSession<{ orgId: string; id: string }>({ permission: 'integrations:manage' }, async ({ orgId, params }) => {
  const result = await testIntegration(getDb(), getKeyring(), orgId, params.id);
  return { result };
});
