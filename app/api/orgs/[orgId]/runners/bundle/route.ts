// GET /api/orgs/[orgId]/runners/bundle — the runner bundle (the supervisor and its protocol
// package, setup.sh, the Dockerfile, the README) as spedy-supervisor-<version>.tar.gz, for
// administrators. HEAD answers its name, version and size (x-spedy-bundle-size) for Settings → Runners.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { withSession } from '@/lib/auth/with-session';
import { supervisorBundleArchive, type SupervisorBundleArchive } from '@/lib/runners/supervisor-bundle';

export const dynamic = 'force-dynamic';

// The app server runs from the checkout (stack/app-server.ts), which holds the packages the bundle packs.
const archive = () => supervisorBundleArchive(process.cwd(), path.join(process.cwd(), '.data', 'supervisor-bundle-download'));

function headersOf(bundle: SupervisorBundleArchive): HeadersInit {
  return {
    'content-type': 'application/gzip',
    'content-length': String(bundle.size),
    'content-disposition': `attachment; filename="${bundle.filename}"`,
    'x-spedy-supervisor-version': bundle.version,
    // HEAD's content-length is not passed on by the server (the body is empty): the size travels here too.
    'x-spedy-bundle-size': String(bundle.size),
    'cache-control': 'no-store',
  };
}

export const GET = withSession({ permission: 'runners:manage' }, async () => {
  const bundle = await archive();
  return new Response(Readable.toWeb(fs.createReadStream(bundle.file)) as ReadableStream<Uint8Array>, { headers: headersOf(bundle) });
});

export const HEAD = withSession({ permission: 'runners:manage' }, async () => new Response(null, { headers: headersOf(await archive()) }));
