// The credentials of the MCP servers a job's stages use, decrypted for the one runner that
// holds the job (GET /api/v1/runners/jobs/:id/mcp-credentials). The job snapshot names the
// servers but never carries their credentials: it is replicated to browsers.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { mcpServer, mcpServerSecret } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { isFinalJobStatus, jobStatusLabels, type JobStatus } from '@spedy/protocol/job-status';
import type { JobMcpCredentialsResponse, JobSnapshot } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
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
  const { rows } = await db.execute<{ runner_id: string | null; status: JobStatus; snapshot: JobSnapshot }>(
    sql`SELECT runner_id, status, snapshot FROM job WHERE id = ${jobId} AND organization_id = ${runner.organizationId}`,
  );
  const job = rows[0];
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  if (job.runner_id !== runner.id) throw new SpedyError('forbidden', 'This job is not held by this runner; claim it first.');
  if (isFinalJobStatus(job.status)) throw new SpedyError('conflict', `The job is ${jobStatusLabels[job.status]}; its MCP credentials are no longer handed out.`);

  const ids = [...new Set(job.snapshot.pipeline.steps.flatMap((step) => step.stages.flatMap((stage) => stage.mcpServers.map((server) => server.id))))];
  if (ids.length === 0) return { servers: [] };
  const sealed = await db
    .select({ id: mcpServer.id, ciphertext: mcpServerSecret.ciphertext, keyVersion: mcpServerSecret.keyVersion })
    .from(mcpServer)
    .innerJoin(mcpServerSecret, eq(mcpServerSecret.mcpServerId, mcpServer.id))
    .where(and(eq(mcpServer.organizationId, runner.organizationId), inArray(mcpServer.id, ids)));
  return { servers: sealed.map((row) => ({ id: row.id, ...sealedCredentials.parse(JSON.parse(open(keyring, row, mcpAad(runner.organizationId, row.id)))) })) };
}
