import { zeroDrizzle } from '@rocicorp/zero/server/adapters/drizzle';
import { getDb } from '../db/client.ts';
import { schema } from '../../zero/schema.gen.ts';

function createProvider() {
  return zeroDrizzle(schema, getDb());
}

let provider: ReturnType<typeof createProvider> | undefined;

export function getZeroDbProvider() {
  provider ??= createProvider();
  return provider;
}
