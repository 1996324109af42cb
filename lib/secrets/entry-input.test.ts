import { describe, expect, it } from 'vitest';
import { secretInput } from './entry-input.ts';

const problem = (body: unknown) => secretInput.safeParse(body).error?.issues[0]?.message;

describe('secret input', () => {
  it('accepts an Anthropic key and a custom variable', () => {
    expect(secretInput.parse({ preset: 'anthropic', value: ' sk-ant-api03-abcdefghijklmnopqrstuvwx ' })).toEqual({
      preset: 'anthropic',
      value: 'sk-ant-api03-abcdefghijklmnopqrstuvwx',
    });
    expect(secretInput.parse({ preset: 'custom', name: 'NPM_TOKEN', value: 'npm_123' })).toMatchObject({ name: 'NPM_TOKEN' });
  });

  it('refuses an Anthropic value that is not an sk-ant key', () => {
    expect(problem({ preset: 'anthropic', value: 'sk-proj-abcdefghijklmnopqrstuvwxyz' })).toMatch(/starts with sk-ant-/);
    expect(problem({ preset: 'anthropic', value: 'sk-ant-short' })).toMatch(/paste the whole key/);
  });

  it('refuses names that are not env var names, or are reserved', () => {
    expect(problem({ preset: 'custom', name: '1PASSWORD', value: 'x' })).toMatch(/capital letters/);
    expect(problem({ preset: 'custom', name: 'npm-token', value: 'x' })).toMatch(/capital letters/);
    expect(problem({ preset: 'custom', name: 'PATH', value: 'x' })).toMatch(/reserved/);
    expect(problem({ preset: 'custom', name: 'GITHUB_TOKEN', value: 'x' })).toMatch(/Settings → Integrations/);
    expect(problem({ preset: 'custom', name: 'ANTHROPIC_API_KEY', value: 'x' })).toMatch(/Anthropic \(Claude\) preset/);
    expect(problem({ preset: 'custom', name: 'SPEDY_RUNNER_TOKEN', value: 'x' })).toMatch(/SPEDY_/);
    expect(problem({ preset: 'custom', name: 'A'.repeat(65), value: 'x' })).toMatch(/at most 64/);
  });

  it('refuses empty, oversized and non-text values', () => {
    expect(problem({ preset: 'custom', name: 'X', value: '   ' })).toMatch(/empty/);
    expect(problem({ preset: 'custom', name: 'X', value: 'a'.repeat(8193) })).toMatch(/at most 8,192/);
    expect(problem({ preset: 'custom', name: 'X', value: 42 })).toMatch(/as text/);
    expect(problem({ preset: 'other', value: 'x' })).toMatch(/Choose the preset/);
  });
});
