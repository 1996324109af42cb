import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';
import { baseSecurityHeaders, contentSecurityPolicy } from './lib/net/security-headers.ts';

// /metrics is served by server/main.ts before Next; listed so a route there could never redirect a scraper to sign-in.
const publicPaths = ['/sign-in', '/sign-up', '/api/', '/_next/', '/favicon', '/metrics'];
const https = (process.env.SPEDY_PUBLIC_URL ?? '').startsWith('https://');
const dev = process.env.NODE_ENV === 'development';

function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(baseSecurityHeaders(https))) response.headers.set(name, value);
  return response;
}

/** Every app page needs a session (the pages themselves check membership) and carries the CSP. */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy({ nonce, syncUrl: process.env.ZERO_PUBLIC_URL, https, dev });
  const { pathname, search } = request.nextUrl;
  if (!publicPaths.some((p) => pathname.startsWith(p)) && !getSessionCookie(request)) {
    const url = new URL('/sign-in', request.url);
    url.searchParams.set('next', pathname + search);
    return withSecurityHeaders(NextResponse.redirect(url), csp);
  }
  // Next reads the nonce from the request's CSP and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  requestHeaders.set('x-nonce', nonce);
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp);
}

export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
