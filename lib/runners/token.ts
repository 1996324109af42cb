// Runner tokens: rnt_ + 64 hex characters (256 random bits). Stored only as a keyed
// hash: HMAC-SHA256 is right for high-entropy tokens (no slow KDF needed), and the
// key keeps a leaked table from being checked offline.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateRunnerToken(): { token: string; prefix: string } {
  const token = `rnt_${randomBytes(32).toString('hex')}`;
  return { token, prefix: token.slice(0, 8) };
}

/**
 * The HMAC key for runner token hashes, derived from the platform's auth secret (never
 * stored). Passed to issueRunnerToken and authenticateRunnerToken like the vault's keyring.
 */
export function deriveRunnerTokenHashKey(authSecret: string): string {
  return Buffer.from(hkdfSync('sha256', authSecret, Buffer.alloc(0), 'spedy runner tokens v1', 32)).toString('hex');
}

export function hashRunnerToken(token: string, hashKey: string): string {
  return createHmac('sha256', hashKey).update(token).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
