import { describe, expect, it } from 'vitest';
import { maskSecrets } from './mask.ts';

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
