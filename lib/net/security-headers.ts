// The headers every page carries. Scripts run only with this request's nonce (Next adds it
// to its own scripts when it sees the CSP on the request) or when loaded by such a script
// ('strict-dynamic'); the browser may connect to this origin and to the sync URL only.

export type SecurityHeaderOptions = {
  nonce: string;
  /** ZERO_PUBLIC_URL when it is another origin than the app's (it usually is not). */
  syncUrl?: string;
  https: boolean;
  /** Development mode: React's dev build needs eval, hot reload its WebSocket. */
  dev: boolean;
};

function syncSources(syncUrl: string | undefined): string[] {
  if (!syncUrl) return [];
  const url = new URL(syncUrl);
  const ws = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return [url.origin, ws];
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const script = [`'self'`, `'nonce-${options.nonce}'`, `'strict-dynamic'`, ...(options.dev ? [`'unsafe-eval'`] : [])];
  const connect = [`'self'`, ...syncSources(options.syncUrl), ...(options.dev ? ['ws:'] : [])];
  return [
    `default-src 'self'`,
    `script-src ${script.join(' ')}`,
    // Radix positions popovers with inline style attributes.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `connect-src ${connect.join(' ')}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Headers for every response, pages and API alike (the CSP is added for pages). */
export function baseSecurityHeaders(https: boolean): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
