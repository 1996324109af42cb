// Smoke test of the stack that `npm test` starts (reads SPEDY_TEST_* from scripts/test.ts).
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const appUrl = process.env.SPEDY_TEST_APP_URL;
const zeroUrl = process.env.SPEDY_TEST_ZERO_URL;
const databaseUrl = process.env.SPEDY_TEST_DATABASE_URL;

describe.skipIf(!appUrl || !zeroUrl || !databaseUrl)('the test stack', () => {
  it('serves the app health check on localhost', async () => {
    expect(new URL(appUrl!).hostname).toBe('localhost');
    const res = await fetch(`${appUrl}/api/health`);
    expect(res.status).toBe(200);
  });

  it('runs zero-cache', async () => {
    expect(new URL(zeroUrl!).hostname).toBe('localhost');
    const res = await fetch(`${zeroUrl}/keepalive`);
    expect(res.status).toBe(200);
  });

  it('runs PostgreSQL with logical replication, migrated', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ wal_level: string }>('SHOW wal_level');
      expect(rows[0]!.wal_level).toBe('logical');
      const migrations = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      expect(migrations.rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
