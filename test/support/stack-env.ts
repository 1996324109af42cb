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
