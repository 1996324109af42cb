// POST /api/webhooks/:provider/:integrationId — a git host's webhook (GitHub or Bitbucket),
// authenticated by its signature with the integration's webhook secret, not by a session.
import { getDb } from '@/lib/db/client';
import { getLogger } from '@/lib/log/logger';
import { maxWebhookBytes, receiveWebhook } from '@/lib/reviews/webhooks';
import { getKeyring } from '@/lib/secrets/keyring';

export const dynamic = 'force-dynamic';

const answer = (status: number, message: string) => Response.json({ message }, { status, headers: { 'cache-control': 'no-store' } });

export async function POST(req: Request, context: { params: Promise<{ provider: string; integrationId: string }> }): Promise<Response> {
  const { provider, integrationId } = await context.params;
  if (provider !== 'github' && provider !== 'bitbucket') return answer(404, 'Webhooks exist for github and bitbucket.');
  if (Number(req.headers.get('content-length') ?? 0) > maxWebhookBytes) return answer(413, 'The payload is too large.');
  const rawBody = await req.text();
  if (Buffer.byteLength(rawBody) > maxWebhookBytes) return answer(413, 'The payload is too large.');
  try {
    const result = await receiveWebhook({ db: getDb(), keyring: getKeyring() }, { provider, integrationId, headers: req.headers, rawBody });
    return answer(result.status, result.message);
  } catch (error) {
    getLogger('webhooks').error({ err: error, provider, integrationId }, 'webhook delivery failed');
    return answer(500, 'The delivery could not be stored; the host will retry it.');
  }
}
