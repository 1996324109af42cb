/**
 * Where to go after signing in: a path on this app only. The candidate is resolved the
 * way a browser would (`/\evil.com` and `/\t/evil.com` are other origins to it), and
 * anything that lands on another origin falls back to `/`.
 */
export function safeRedirectPath(candidate: string | null | undefined): string {
  if (!candidate?.startsWith('/')) return '/';
  const base = 'https://spedy.invalid';
  let resolved: URL;
  try {
    resolved = new URL(candidate, base);
  } catch {
    return '/';
  }
  if (resolved.origin !== base) return '/';
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
