import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema.ts',
  out: './lib/db/migrations',
  schemaFilter: ['public', 'auth', 'secure'],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/spedy' },
});
