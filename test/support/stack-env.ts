import { z } from 'zod';

const schema = z.object({
  SPEDY_TEST_APP_URL: z.string().url(),
  SPEDY_TEST_ZERO_URL: z.string().url(),
  SPEDY_TEST_DATABASE_URL: z.string().url(),
  SPEDY_TEST_DATA_DIR: z.string().min(1).optional(),
});

/** Set by scripts/test.ts, which starts the stack once for every suite. */
export function testStack() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) throw new Error('Integration tests run under `npm test`, which starts the stack and sets SPEDY_TEST_* variables.');
  const env = parsed.data;
  return { appUrl: env.SPEDY_TEST_APP_URL, zeroUrl: env.SPEDY_TEST_ZERO_URL, databaseUrl: env.SPEDY_TEST_DATABASE_URL, dataDir: env.SPEDY_TEST_DATA_DIR };
}

const appEnvSchema = z.object({
  DATABASE_URL: z.string().url(),
  BETTER_AUTH_SECRET: z.string().min(32),
  SPEDY_VAULT_MASTER_KEY: z.string().min(32),
  SPEDY_PUBLIC_URL: z.string().url(),
  ZERO_PUBLIC_URL: z.string().url(),
  SPEDY_DEV: z.literal('1').optional(),
});

/**
 * The app server's environment (scripts/test.ts passes `stack.appEnv` to the tests), e.g.
 * to start a second platform instance on the same PostgreSQL.
 */
export function testAppEnv(): Record<string, string> {
  const parsed = appEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`These tests need the app's environment (${missing}); npm test sets it from the stack it starts.`);
  }
  const { SPEDY_DEV, ...env } = parsed.data;
  return { ...env, NODE_ENV: SPEDY_DEV ? 'development' : 'production', ...(SPEDY_DEV ? { SPEDY_DEV } : {}) };
}
