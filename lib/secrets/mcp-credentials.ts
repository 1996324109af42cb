// The credentials of the MCP servers a job's stages use, decrypted for the one runner that
// holds the job (GET /api/v1/runners/jobs/:id/mcp-credentials). The job snapshot names the
// servers but never carries their credentials: it is replicated to browsers.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { mcpServer, mcpServerSecret } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { assertJobNotFinished, findHeldJob } from '../jobs/held-job.ts';
import type { JobMcpCredentialsResponse, JobSnapshot } from '@spedy/protocol/wire';
import { mcpAad } from './bootstrap.ts';
import { open, type Keyring } from './vault.ts';

/** What lib/mcp/configs.ts seals for a server. */
const sealedCredentials = z.object({ kind: z.enum(['env', 'headers']), values: z.record(z.string(), z.string()) });

export async function openJobMcpCredentials(
  db: DbOrTx,
  keyring: Keyring,
  runner: { id: string; organizationId: string },
  jobId: string,
): Promise<JobMcpCredentialsResponse> {
  const job = await findHeldJob(db, runner, jobId);
  assertJobNotFinished(job, 'its MCP credentials are no longer handed out');
  // The snapshot is read only here: it is large, and no other runner request needs it.
  const { rows } = await db.execute<{ snapshot: JobSnapshot }>(sql`SELECT snapshot FROM secure.job_snapshot WHERE job_id = ${job.id}`);
  const { snapshot } = rows[0];

  const ids = [...new Set(snapshot.pipeline.steps.flatMap((step) => step.stages.flatMap((stage) => stage.mcpServers.map((server) => server.id))))];
  if (ids.length === 0) return { servers: [] };
  const sealed = await db
    .select({ id: mcpServer.id, ciphertext: mcpServerSecret.ciphertext, keyVersion: mcpServerSecret.keyVersion })
    .from(mcpServer)
    .innerJoin(mcpServerSecret, eq(mcpServerSecret.mcpServerId, mcpServer.id))
    .where(and(eq(mcpServer.organizationId, runner.organizationId), inArray(mcpServer.id, ids)));
  return { servers: sealed.map((row) => ({ id: row.id, ...sealedCredentials.parse(JSON.parse(open(keyring, row, mcpAad(runner.organizationId, row.id)))) })) };
}
