// A development stack for one engineer or test session: its own data folder, free ports,
// the app in development mode (hot reload) with its own Next output folder.
// Usage: node --import tsx scripts/dev-stack.ts <name> [preferredPort]
// Prints one JSON line of SPEDY_TEST_* variables once ready; Ctrl-C stops it.
import { startStack } from '../stack/stack.ts';

const name = process.argv[2] ?? 'dev';
process.env.SPEDY_NEXT_DIST_DIR = `.next-${name}`;
process.env.SPEDY_AUTH_RATE_LIMIT = '0';
// Tests start the test kit's servers on 127.0.0.1 at ports of their own; the app may fetch them.
process.env.SPEDY_ALLOWED_INTERNAL_HOSTS ??= '127.0.0.1';
const stack = await startStack({
  dataDir: `.test-data/${name}`,
  dev: true,
  preferredPort: Number(process.argv[3] ?? 3200),
  externalDatabaseUrl: false,
  log: (line) => console.error(line),
});
console.log(
  JSON.stringify({
    SPEDY_TEST_APP_URL: stack.appUrl,
    SPEDY_TEST_ZERO_URL: stack.zeroUrl,
    SPEDY_TEST_DATABASE_URL: stack.databaseUrl,
    SPEDY_TEST_DATA_DIR: stack.dataDir,
  }),
);
const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
