import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { getConfig } from '../config.ts';
import { getLogger } from '../log/logger.ts';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;

let pool: pg.Pool | undefined;
let db: Db | undefined;

export function getPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: getConfig().DATABASE_URL, max: 10 });
    // An idle connection that PostgreSQL drops (restart, failover) is an 'error' on the pool; unheard, it would end the process.
    pool.on('error', (error) => getLogger('db').warn(`PostgreSQL connection lost (the pool opens a new one on the next query): ${error.message}`));
  }
  return pool;
}

export function getDb(): Db {
  db ??= drizzle(getPool(), { schema });
  return db;
}

/** For scripts and tests that bring their own URL. */
export function connectDb(url: string): { db: Db; close: () => Promise<void> } {
  const ownPool = new pg.Pool({ connectionString: url, max: 4 });
  return { db: drizzle(ownPool, { schema }), close: () => ownPool.end() };
}
