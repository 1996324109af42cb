import { describe, expect, it } from 'vitest';
import { createKeyring, maskedPreview, open, seal, VaultError } from './vault.ts';

const key1 = 'first-master-key-0123456789abcdef0123456789';
const key2 = 'second-master-key-0123456789abcdef012345678';

describe('vault', () => {
  it('round-trips a value and never stores it in the clear', () => {
    const ring = createKeyring(key1);
    const sealed = seal(ring, 'sk-ant-api03-secret-value', 'org1/entry1');
    expect(sealed.ciphertext).not.toContain('sk-ant');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('secret-value');
    expect(open(ring, sealed, 'org1/entry1')).toBe('sk-ant-api03-secret-value');
  });

  it('uses a fresh nonce for every value', () => {
    const ring = createKeyring(key1);
    expect(seal(ring, 'same', 'a').ciphertext).not.toBe(seal(ring, 'same', 'a').ciphertext);
  });

  it('detects tampering and a ciphertext moved to another row', () => {
    const ring = createKeyring(key1);
    const sealed = seal(ring, 'value', 'org1/entry1');
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => open(ring, { ...sealed, ciphertext: bytes.toString('base64') }, 'org1/entry1')).toThrow(VaultError);
    expect(() => open(ring, sealed, 'org2/entry1')).toThrow(/integrity check/);
  });

  it('keeps values sealed with an older master key readable after rotation', () => {
    const old = seal(createKeyring(key1, 1), 'old value', 'x');
    const rotated = createKeyring(key2, 2, [`1:${key1}`]);
    expect(open(rotated, old, 'x')).toBe('old value');
    const fresh = seal(rotated, 'new value', 'x');
    expect(fresh.keyVersion).toBe(2);
    expect(() => open(createKeyring(key1, 1), fresh, 'x')).toThrow(/version 2/);
  });

  it('masks values without revealing more than the last four characters', () => {
    expect(maskedPreview('sk-ant-api03-abcdefghijklmnop1234')).toBe('sk-ant-••••1234');
    expect(maskedPreview('short')).toBe('••••••••');
    expect(maskedPreview('plainlongvalue9876')).toBe('••••9876');
  });
});
