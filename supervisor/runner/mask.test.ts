import { describe, expect, it } from 'vitest';
import { findSecrets, maskAcross, maskSecrets, secretForms } from './mask.ts';

describe('maskSecrets', () => {
  it('hides every secret of 8 characters or more, wherever it appears', () => {
    const secrets = ['sk-ant-abcdefgh', 'ghs_1234567890', 'short'];
    expect(maskSecrets('key sk-ant-abcdefgh and ghs_1234567890, again sk-ant-abcdefgh; short stays', secrets)).toBe(
      'key •••• and ••••, again ••••; short stays',
    );
  });

  it('hides a secret that contains another one whole', () => {
    expect(maskSecrets('token=abcdefgh12345678', ['abcdefgh', 'abcdefgh12345678'])).toBe('token=••••');
  });

  it('leaves text without secrets alone', () => {
    expect(maskSecrets('nothing to see', [])).toBe('nothing to see');
  });
});

describe('maskSecrets with a list that grows', () => {
  it('hides a value added to the same list after the list was first used', () => {
    const secrets = ['first-secret-1'];
    expect(maskSecrets('first-secret-1 later-secret-2', secrets)).toBe('•••• later-secret-2');
    secrets.push('later-secret-2');
    expect(maskSecrets('first-secret-1 later-secret-2', secrets)).toBe('•••• ••••');
  });
});

describe('maskSecrets in the forms an agent can turn a value into', () => {
  const secret = 'sk-ant-api03-Zq9/x+Y=wé';
  const secrets = [secret];

  it('hides the base64 of a value at every byte alignment, in both alphabets, wrapped or not', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'KEY=', 'TOKEN=x']) {
      const encoded = Buffer.from(`${prefix}${secret}\n`).toString('base64');
      expect(maskSecrets(encoded, secrets)).toContain('••••');
      expect(maskSecrets(encoded.replaceAll('+', '-').replaceAll('/', '_'), secrets)).toContain('••••');
      // `base64` wraps at 76 columns; here a break falls inside the value's encoding.
      const wrapped = `${encoded.slice(0, 12)}\n${encoded.slice(12)}`;
      const masked = maskSecrets(wrapped, secrets);
      expect(masked).toContain('••••');
      expect(masked.replace(/\n/g, '').length).toBeLessThan(encoded.length);
    }
  });

  it('hides the URL-encoded, hex and JSON-escaped forms', () => {
    const quoted = 'pass"word\\with-quotes';
    expect(maskSecrets(`?key=${encodeURIComponent(secret)}&x=1`, secrets)).toBe('?key=••••&x=1');
    expect(maskSecrets(`?key=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`, secrets)).toBe('?key=••••');
    expect(maskSecrets(`hex ${Buffer.from(secret).toString('hex')} end`, secrets)).toBe('hex •••• end');
    expect(maskSecrets(`HEX ${Buffer.from(secret).toString('hex').toUpperCase()}`, secrets)).toBe('HEX ••••');
    expect(maskSecrets(JSON.stringify({ v: quoted }), [quoted])).toBe('{"v":"••••"}');
  });

  it('finds which value is in a text and in what form, never counting text without one', () => {
    const other = 'SERVICE-TOKEN-123456';
    const text = `a ${Buffer.from(`x${other}`).toString('base64')} b ${encodeURIComponent(secret)}`;
    expect(findSecrets(text, [secret, other]).sort((a, b) => a.value.localeCompare(b.value))).toEqual([
      { value: other, kind: 'base64' },
      { value: secret, kind: 'url-encoded' },
    ]);
    expect(findSecrets('nothing secret here, aGVsbG8gd29ybGQ=', [secret, other])).toEqual([]);
  });

  it('gives no forms for a value too short to mask', () => {
    expect(secretForms('short')).toEqual([]);
    expect(secretForms('long-enough').map((form) => form.kind)).toContain('base64');
  });
});

describe('maskAcross', () => {
  it('hides a value split over several pieces in every piece that holds part of it, keeping the pieces apart', () => {
    const secret = 'svc_split-over-pieces-0123';
    const text = `The token: ${secret}. Done.`;
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 7) pieces.push(text.slice(i, i + 7));
    const masked = maskAcross(pieces, [secret]);
    expect(masked).toHaveLength(pieces.length);
    expect(masked.join('')).not.toContain(secret.slice(4, 11));
    for (const piece of masked) for (let n = 0; n + 7 <= secret.length; n++) expect(piece).not.toContain(secret.slice(n, n + 7));
    expect(masked[0]).toBe('The tok');
    expect(masked.join('')).toMatch(/^The token: ••••(••••)*\. Done\.$/);
    expect(maskAcross(['plain', ' text'], [secret])).toEqual(['plain', ' text']);
  });
});
