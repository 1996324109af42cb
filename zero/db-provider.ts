// Server only (the /api/zero/mutate route): Zero's database adapter over our Drizzle pool, built once.
import { zeroDrizzle } from '@rocicorp/zero/server/adapters/drizzle';
import { getDb } from '../lib/db/client.ts';
import { schema } from './schema.gen.ts';

function createProvider() {
  return zeroDrizzle(schema, getDb());
}

let provider: ReturnType<typeof createProvider> | undefined;

export function getZeroDbProvider() {
  provider ??= createProvider();
  return provider;
}
