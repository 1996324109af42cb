// A webhook's signature: HMAC-SHA256 of the raw body with the integration's secret, sent as
// `sha256=<hex>` (GitHub's X-Hub-Signature-256, Bitbucket's X-Hub-Signature), compared in
// constant time by @octokit/webhooks-methods.
import { verify } from '@octokit/webhooks-methods';

export async function verifyWebhookSignature(secret: string, rawBody: string, signature: string): Promise<boolean> {
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return false;
  return verify(secret, rawBody, signature).catch(() => false);
}
