// GET /api/ready — 200 when PostgreSQL and zero-cache answer, 503 naming what does not.
import { getConfig } from '@/lib/config';
import { getLogger } from '@/lib/log/logger';
import { checkReadiness } from '@/lib/operations/readiness';

export const dynamic = 'force-dynamic';
export async function GET() {
  const config = getConfig();
  const readiness = await checkReadiness({ databaseUrl: config.DATABASE_URL, zeroInternalUrl: config.SPEDY_ZERO_INTERNAL_URL });
  if (!readiness.ok) {
    getLogger('ready').warn(readiness.details);
    return Response.json({ ok: false, error: readiness.error, failing: readiness.failing }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
  return Response.json(readiness, { headers: { 'cache-control': 'no-store' } });
}
