import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './signature.ts';

// https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const vector = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('webhook signatures', () => {
  it("accepts GitHub's published test vector", async () => {
    expect(await verifyWebhookSignature(vector.secret, vector.payload, vector.signature)).toBe(true);
  });

  it('refuses another secret, a changed body, another algorithm and garbage', async () => {
    expect(await verifyWebhookSignature('another secret', vector.payload, vector.signature)).toBe(false);
    expect(await verifyWebhookSignature(vector.secret, 'Hello, World?', vector.signature)).toBe(false);
    expect(await verifyWebhookSignature(vector.secret, vector.payload, vector.signature.replace('sha256=', 'sha1='))).toBe(false);
    expect(await verifyWebhookSignature(vector.secret, vector.payload, 'sha256=zz')).toBe(false);
    expect(await verifyWebhookSignature(vector.secret, vector.payload, '')).toBe(false);
  });
});
