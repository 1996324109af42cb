// POST /api/orgs/[orgId]/integrations/[id]/webhook-secret — generate (or replace) the
// integration's webhook secret; the answer is the only time it is shown in plain.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { rotateWebhookSecret } from '@/lib/secrets/webhook-secrets';
import { getKeyring } from '@/lib/secrets/keyring';

export const POST = withSession<{ orgId: string; id: string }>({ permission: 'integrations:manage' }, async ({ orgId, params }) =>
  rotateWebhookSecret(getDb(), getKeyring(), orgId, params.id),
);
