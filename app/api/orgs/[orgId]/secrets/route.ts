// PUT /api/orgs/[orgId]/secrets — store a runner secret: create it, or rotate it when the
// organization already has one of that name. The value never comes back; only its masked preview.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { storeVaultEntry } from '@/lib/secrets/entries';
import { secretInput } from '@/lib/secrets/entry-input';
import { getKeyring } from '@/lib/secrets/keyring';

export const PUT = withSession({ permission: 'runners:manage-secrets', body: secretInput }, async ({ orgId, userId, body }) => {
  const entry = await storeVaultEntry(getDb(), getKeyring(), { orgId, userId, secret: body });
  return { entry };
});
