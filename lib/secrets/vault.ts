// The only module that encrypts and decrypts stored secrets (vault entries,
// integration tokens, MCP credentials). AES-256-GCM, a fresh 96-bit nonce per value,
// the row's identity as additional data (a ciphertext moved to another row fails),
// and the key version stored beside each value so the master key can be rotated.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export type Keyring = { current: number; keys: Map<number, Buffer> };

export type SealedValue = { ciphertext: string; keyVersion: number };

function deriveKey(masterKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.alloc(0), 'spedy vault v1', 32));
}

/**
 * `current` is the master key new values are sealed with (version `currentVersion`);
 * `previous` lists older keys as "version:key" so values sealed with them stay readable.
 */
export function createKeyring(current: string, currentVersion = 1, previous: string[] = []): Keyring {
  const keys = new Map<number, Buffer>([[currentVersion, deriveKey(current)]]);
  for (const entry of previous) {
    const at = entry.indexOf(':');
    const version = Number(entry.slice(0, at));
    if (at < 1 || !Number.isInteger(version)) throw new Error('Old vault keys must look like "<version>:<key>".');
    if (version !== currentVersion) keys.set(version, deriveKey(entry.slice(at + 1)));
  }
  return { current: currentVersion, keys };
}

export function seal(keyring: Keyring, plaintext: string, associatedData: string): SealedValue {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error('The current vault key is missing.');
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64'), keyVersion: keyring.current };
}

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

export function open(keyring: Keyring, sealed: SealedValue, associatedData: string): string {
  const key = keyring.keys.get(sealed.keyVersion);
  if (!key) throw new VaultError(`No vault key of version ${sealed.keyVersion} is configured.`);
  const raw = Buffer.from(sealed.ciphertext, 'base64');
  if (raw.length < 28) throw new VaultError('A stored secret is damaged.');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError('A stored secret failed its integrity check (tampered or sealed with another key).');
  }
}

/** What the UI may show of a secret: its shape, never its value. */
export function maskedPreview(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length <= 8) return '••••••••';
  const prefix = /^[a-z]+[-_][a-z]*[-_]?/i.exec(trimmed)?.[0]?.slice(0, 7) ?? '';
  return `${prefix}••••${trimmed.slice(-4)}`;
}
