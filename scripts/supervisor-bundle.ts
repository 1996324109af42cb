// `npm run bundle:supervisor -- <folder>`: writes the runner bundle (lib/runners/supervisor-bundle.ts)
// into <folder> (default .data/supervisor-bundle): copy it to a runner host and run ./setup.sh there.
import path from 'node:path';
import { buildSupervisorBundle } from '../lib/runners/supervisor-bundle.ts';
import { fromRoot } from '../stack/paths.ts';

const outDir = path.resolve(process.argv[2] ?? fromRoot('.data', 'supervisor-bundle'));
const { packed } = await buildSupervisorBundle(fromRoot(), outDir);
console.log(`Wrote the runner bundle to ${outDir} (${packed.map((p) => `${p.name}@${p.version}`).join(', ')}).`);
console.log('On the runner host: ./setup.sh, then docker compose up -d (or npm ci --omit=dev and node_modules/.bin/spedy-supervisor).');
