// Receiving a git host's webhook at /api/webhooks/<provider>/<integrationId>: the signature
// first (./signature.ts), then the delivery's headers and payload; only a
// delivery that passes all of them is stored (./deliveries.ts). Refusals write nothing.
import type { Db } from '../db/client.ts';
import { openWebhookTarget } from '../secrets/webhook-secrets.ts';
import type { Keyring } from '../secrets/vault.ts';
import { receiveDelivery } from './deliveries.ts';
import { verifyWebhookSignature } from './signature.ts';
import { parseBitbucketDelivery, parseGithubDelivery, type ParsedDelivery } from './host-events.ts';

export type WebhookProvider = 'github' | 'bitbucket';
export type WebhookAnswer = { status: number; message: string };

/** Larger than any review payload GitHub or Bitbucket sends (GitHub caps deliveries at 25 MB; reviews are kilobytes). */
export const maxWebhookBytes = 5 * 1024 * 1024;

const headersOf: Record<WebhookProvider, { signature: string; delivery: string; event: string; parse: (event: string, body: unknown) => ParsedDelivery }> = {
  // https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
  github: { signature: 'x-hub-signature-256', delivery: 'x-github-delivery', event: 'x-github-event', parse: parseGithubDelivery },
  // https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/ (secured webhooks: X-Hub-Signature, sha256=<hex>)
  bitbucket: { signature: 'x-hub-signature', delivery: 'x-request-uuid', event: 'x-event-key', parse: parseBitbucketDelivery },
};

/** The path a host calls; the page shows it under SPEDY_PUBLIC_URL. */
export function webhookPath(provider: WebhookProvider, integrationId: string): string {
  return `/api/webhooks/${provider}/${encodeURIComponent(integrationId)}`;
}

export async function receiveWebhook(
  deps: { db: Db; keyring: Keyring },
  request: { provider: WebhookProvider; integrationId: string; headers: Headers; rawBody: string },
): Promise<WebhookAnswer> {
  const names = headersOf[request.provider];
  const target = /^[\w-]{1,64}$/.test(request.integrationId) ? await openWebhookTarget(deps.db, deps.keyring, request.integrationId) : null;
  if (!target || target.provider !== request.provider) return { status: 404, message: 'No webhook is set up at this address.' };
  const signature = request.headers.get(names.signature);
  if (!signature) return { status: 401, message: `The delivery is not signed: set the webhook secret shown in Settings → Integrations (${names.signature}).` };
  if (!(await verifyWebhookSignature(target.secret, request.rawBody, signature))) return { status: 401, message: 'The signature does not match: the webhook secret differs from the one shown in Settings → Integrations.' };
  const deliveryId = request.headers.get(names.delivery)?.trim();
  const event = request.headers.get(names.event)?.trim();
  if (!deliveryId || deliveryId.length > 200) return { status: 400, message: `The delivery has no ${names.delivery} header.` };
  if (!event || event.length > 100) return { status: 400, message: `The delivery has no ${names.event} header.` };
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    return { status: 400, message: 'The payload is not JSON (set the webhook content type to application/json).' };
  }
  const parsed = names.parse(event, body);
  if (!parsed.ok) return { status: 400, message: parsed.message };
  const receipt = await receiveDelivery(deps.db, {
    organizationId: target.organizationId,
    integrationId: target.integrationId,
    deliveryId,
    source: 'webhook',
    event: parsed.event,
    hostEvent: parsed.hostEvent,
  });
  if (receipt.status === 'duplicate') return { status: 200, message: 'duplicate, ignored' };
  if (receipt.status === 'ignored') return { status: 200, message: `ignored: ${parsed.hostEvent.kind === 'ignored' ? parsed.hostEvent.reason : ''}` };
  return { status: 202, message: receipt.status === 'reprocessed' ? 'accepted again (its earlier processing failed)' : 'accepted' };
}
