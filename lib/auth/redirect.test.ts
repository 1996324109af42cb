import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './redirect.ts';

describe('safeRedirectPath', () => {
  it('keeps a path on this app, with its query', () => {
    expect(safeRedirectPath('/acme/projects/SPD/board?ticket=SPD-4')).toBe('/acme/projects/SPD/board?ticket=SPD-4');
  });

  it.each(['//evil.com', '/\\evil.com', '/\t/evil.com', '/\\\\evil.com', 'https://evil.com', 'javascript:alert(1)', '/\n/evil.com'])(
    'refuses %j, which a browser would take to another origin',
    (candidate) => {
      expect(safeRedirectPath(candidate)).toBe('/');
    },
  );

  it('falls back to / when there is no candidate', () => {
    expect(safeRedirectPath(null)).toBe('/');
    expect(safeRedirectPath('')).toBe('/');
  });
});
