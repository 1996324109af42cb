// Whether this instance can serve: PostgreSQL answers a query and zero-cache answers its
// keepalive. /api/health only says the process is up; load balancers and orchestrators
// route traffic by this instead.
import pg from 'pg';
import { toError } from '@spedy/protocol/errors';

/** `error` is for anyone who asks (no addresses or internals); `details` is for the log. */
export type Readiness = { ok: true } | { ok: false; error: string; failing: string[]; details: string };

const timeoutMs = 2000;

/** `SELECT 1` on a connection of its own, so a full or broken pool does not hide a database that answers (or the reverse). */
async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => {}); // a connection cut mid-check surfaces through the query
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkZeroCache(zeroInternalUrl: string): Promise<void> {
  const response = await fetch(new URL('/keepalive', zeroInternalUrl), { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`answered ${response.status}`);
}

export async function checkReadiness(settings: { databaseUrl: string; zeroInternalUrl: string }): Promise<Readiness> {
  const parts = [
    { name: 'PostgreSQL', check: () => checkPostgres(settings.databaseUrl) },
    { name: 'zero-cache', check: () => checkZeroCache(settings.zeroInternalUrl) },
  ];
  const results = await Promise.all(parts.map(async (part) => ({ part, error: await part.check().then(() => undefined, (e: unknown) => toError(e)) })));
  const failed = results.filter((r) => r.error);
  if (failed.length === 0) return { ok: true };
  const failing = failed.map((r) => r.part.name);
  const details = failed.map((r) => `${r.part.name}: ${r.error?.message}`).join('; ');
  return { ok: false, failing, error: `Not ready: ${failing.join(' and ')} ${failing.length > 1 ? 'do' : 'does'} not answer.`, details };
}
