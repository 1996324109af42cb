// `npm run migrate`: applies the database migrations to the PostgreSQL in DATABASE_URL, without the
// launcher (for a deployment that runs the app server and zero-cache on their own). Applied ones are skipped.
import fs from 'node:fs';
import { toError } from '@spedy/protocol/errors';
import { migrateDatabase } from '../stack/migrate.ts';
import { fromRoot } from '../stack/paths.ts';
import { checkExternalPostgres } from '../stack/postgres.ts';

if (fs.existsSync(fromRoot('.env'))) process.loadEnvFile(fromRoot('.env'));
const databaseUrl = process.env.DATABASE_URL?.trim();
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: set it to your PostgreSQL 15+ server (wal_level=logical), e.g. postgres://spedy:…@db.internal:5432/spedy.');
  process.exit(1);
}

try {
  // The same check as `npm start`: zero-cache will need logical replication on this database.
  await checkExternalPostgres(databaseUrl);
  const result = await migrateDatabase(databaseUrl);
  console.log(result.applied ? 'Database migrations applied (already applied ones were skipped).' : `Nothing to migrate: ${result.reason}.`);
} catch (err) {
  const error = toError(err);
  // drizzle wraps the driver's error (the SQL that failed) in `cause`.
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  console.error(`The migration failed: ${error.message}${cause}`);
  process.exit(1);
}
