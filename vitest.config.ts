import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const exclude = ['node_modules/**', 'e2e/**', '.data/**', '.test-data/**', '.next/**', '.next-*/**', '**/node_modules/**'];

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...exclude, '**/*.pg.test.ts', '**/*.docker.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['**/*.pg.test.ts'], exclude, testTimeout: 30_000, hookTimeout: 60_000, fileParallelism: false },
      },
      {
        extends: true,
        test: {
          name: 'docker',
          include: ['**/*.docker.test.ts'],
          exclude,
          // The first run bootstraps Debian and builds the runner image (a few minutes on a busy machine).
          globalSetup: ['test/support/docker.global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
