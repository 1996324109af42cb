import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startModelServer } from './server.ts';

// node --import tsx test-kit/model-server/main.ts --port 4100 [--default-scenario plan] [--api-key K]
const { values } = parseArgs({
  options: { port: { type: 'string' }, 'default-scenario': { type: 'string' }, 'api-key': { type: 'string' } },
});
const port = z.coerce.number().int().min(0).max(65535).optional().parse(values.port);
const server = await startModelServer({ port, defaultScenario: values['default-scenario'], apiKey: values['api-key'] });
console.log(`scripted model server listening on ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
