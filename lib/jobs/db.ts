// What job and runner functions accept: the database or an open transaction (a Zero
// server mutator passes `tx.dbTransaction.wrappedTransaction`), so a job is created in
// the same transaction as the change that triggers it.
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type * as schema from '../db/schema.ts';

export type DbOrTx = PgDatabase<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
