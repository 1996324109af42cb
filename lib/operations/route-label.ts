// The `route` label of the HTTP request counter. Next's route pattern is not known where
// requests are counted (server/main.ts, before Next), so ids are folded here instead: a label
// per route, not per job or organization, keeps the metric's cardinality small.

/** First path segments that are routes of their own; any other first segment is an organization slug (app/[org]/). */
const topLevel = new Set(['api', 'sign-in', 'sign-up', 'invite', 'metrics', 'favicon.ico', 'robots.txt']);
/** Collections whose next segment is an id (or a project key, a ticket's display id). */
const collections = new Set(['orgs', 'jobs', 'projects', 'integrations', 'invite', 'teams', 'tickets']);
/** Fixed routes that sit where an id would. */
const fixedAfterCollection = new Set(['claim']);

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const generatedId = /^(?=.*[0-9A-Z])[A-Za-z0-9_-]{16,}$/;
const maxSegments = 8;

/** `/api/v1/runners/jobs/abc123…/events` → `/api/v1/runners/jobs/:id/events`; a 404 is `unmatched` (scanners probe anything). */
export function routeLabel(pathname: string, status: number): string {
  if (status === 404) return 'unmatched';
  if (pathname.startsWith('/_next/')) return '/_next';
  const segments = pathname.split('/').filter(Boolean).slice(0, maxSegments);
  const folded = segments.map((segment, i) => {
    if (i === 0) return topLevel.has(segment) ? segment : ':org';
    if (collections.has(segments[i - 1]) && !fixedAfterCollection.has(segment)) return ':id';
    if (uuid.test(segment) || /^\d+$/.test(segment) || generatedId.test(segment)) return ':id';
    return segment;
  });
  return `/${folded.join('/')}`;
}
