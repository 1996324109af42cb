import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startGitRemote } from './server.ts';

// node --import tsx test-kit/git-remote/main.ts --port 4200 [--root DIR] [--token T] [--repository acme/app]…
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    root: { type: 'string' },
    token: { type: 'string' },
    repository: { type: 'string', multiple: true },
  },
});
const port = z.coerce.number().int().min(0).max(65535).optional().parse(values.port);
const remote = await startGitRemote({ port, root: values.root, token: values.token });
for (const fullName of values.repository ?? []) {
  const { cloneUrl } = await remote.createRepository(fullName, { files: { 'README.md': `# ${fullName}\n` } });
  console.log(`created ${cloneUrl}`);
}
console.log(`git remote listening on ${remote.url} (repositories under ${remote.root})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void remote.stop().then(() => process.exit(0)));
}
