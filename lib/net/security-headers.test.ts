import { describe, expect, it } from 'vitest';
import { baseSecurityHeaders, contentSecurityPolicy } from './security-headers.ts';

describe('contentSecurityPolicy', () => {
  it('lets scripts run only with the nonce, and no page embed this app', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc123', https: true, dev: false });
    expect(csp).toContain(`script-src 'self' 'nonce-abc123' 'strict-dynamic'`);
    expect(csp).toContain(`frame-ancestors 'none'`);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('allows the sync URL when it is another origin, over its WebSocket scheme too', () => {
    const csp = contentSecurityPolicy({ nonce: 'n', syncUrl: 'https://sync.example.com/zero', https: true, dev: false });
    expect(csp).toContain(`connect-src 'self' https://sync.example.com wss://sync.example.com`);
  });

  it('adds what hot reload needs in development only', () => {
    expect(contentSecurityPolicy({ nonce: 'n', https: false, dev: true })).toContain(`'unsafe-eval'`);
  });
});

describe('baseSecurityHeaders', () => {
  it('sends HSTS only over https', () => {
    expect(baseSecurityHeaders(true)['Strict-Transport-Security']).toMatch(/max-age=/);
    expect(baseSecurityHeaders(false)['Strict-Transport-Security']).toBeUndefined();
    expect(baseSecurityHeaders(false)['X-Content-Type-Options']).toBe('nosniff');
  });
});
