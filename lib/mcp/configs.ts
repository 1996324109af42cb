// Storing MCP server configurations (Settings → MCP Servers). Credentials are sealed by the
// vault on the configuration itself (secure.mcp_server_secret, bound to the row by mcpAad);
// the public row, which Zero syncs to browsers, holds only a masked preview. Deleting is a
// Zero mutator (zero/mutators/team.ts): no secret travels then.
import { and, eq, ne } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { mcpServer, mcpServerSecret, project, runnerTeam } from '../db/schema.ts';
import { mcpAad } from '../secrets/bootstrap.ts';
import { maskedPreview, seal, type Keyring } from '../secrets/vault.ts';
import { renameMcpTools } from '../teams/attachments.ts';
import { credentialKindOf, type McpServerInput } from './config-input.ts';

export type McpServerSummary = {
  id: string;
  name: string;
  transport: McpServerInput['transport'];
  url: string | null;
  command: string | null;
  args: string[];
  allowedTools: string[];
  projectId: string | null;
  credentialPreview: string | null;
  created: boolean;
};

/** "SENTRY_TOKEN ••••ab12, X-Team ••••••••": the names, and of each value only its shape. */
export function credentialPreviewOf(credentials: { name: string; value: string }[]): string | null {
  return credentials.length ? credentials.map((c) => `${c.name} ${maskedPreview(c.value)}`).join(', ') : null;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? (e as { code: unknown }).code : undefined);
  return code(error) === '23505' || code((error as { cause?: unknown } | null)?.cause) === '23505';
}

/** Creates the configuration, or updates it when `input.id` is set; row and sealed credentials in one transaction. */
export async function saveMcpServer(db: Db, keyring: Keyring, orgId: string, input: McpServerInput): Promise<McpServerSummary> {
  const id = input.id ?? nanoid();
  const fields = {
    name: input.name,
    projectId: input.projectID,
    transport: input.transport,
    url: input.transport === 'stdio' ? null : input.url,
    command: input.transport === 'stdio' ? input.command : null,
    args: input.transport === 'stdio' ? input.args : [],
    allowedTools: [...new Set(input.allowedTools)],
    updatedAt: Date.now(),
  };
  try {
    return await db.transaction(async (tx) => {
      if (input.projectID) {
        const [own] = await tx.select({ id: project.id }).from(project).where(and(eq(project.id, input.projectID), eq(project.organizationId, orgId)));
        if (!own) throw new SpedyError('notFound', 'Project not found.');
      }
      const [sameName] = await tx
        .select({ id: mcpServer.id })
        .from(mcpServer)
        .where(and(eq(mcpServer.organizationId, orgId), eq(mcpServer.name, input.name), ne(mcpServer.id, id)));
      if (sameName) throw new SpedyError('conflict', `An MCP server named ${input.name} already exists; choose another name.`);

      let preview: string | null;
      if (input.id) {
        const [current] = await tx.select().from(mcpServer).where(and(eq(mcpServer.id, input.id), eq(mcpServer.organizationId, orgId))).for('update');
        if (!current) throw new SpedyError('notFound', 'MCP server not found.');
        // Stored env vars must not silently become headers (or the other way round).
        if (!input.credentials && current.credentialPreview && credentialKindOf(current.transport) !== credentialKindOf(input.transport)) {
          throw new SpedyError('invalid',
            `Enter the credentials again: STDIO servers take environment variables, SSE and HTTP servers take headers. (Send an empty list to remove them.)`,
          );
        }
        preview = input.credentials ? credentialPreviewOf(input.credentials) : current.credentialPreview;
        await tx.update(mcpServer).set({ ...fields, credentialPreview: preview }).where(eq(mcpServer.id, current.id));
        if (current.name !== input.name) {
          // Stages allow its tools by name (mcp__<name>__*); they follow the rename.
          for (const team of await tx.select({ id: runnerTeam.id, pipeline: runnerTeam.pipeline }).from(runnerTeam).where(eq(runnerTeam.organizationId, orgId))) {
            const pipeline = renameMcpTools(team.pipeline, { id: current.id, oldName: current.name, newName: input.name });
            if (pipeline) await tx.update(runnerTeam).set({ pipeline, updatedAt: fields.updatedAt }).where(eq(runnerTeam.id, team.id));
          }
        }
      } else {
        preview = input.credentials ? credentialPreviewOf(input.credentials) : null;
        await tx.insert(mcpServer).values({ id, organizationId: orgId, ...fields, credentialPreview: preview });
      }

      if (input.credentials?.length) {
        const values = Object.fromEntries(input.credentials.map((c) => [c.name, c.value]));
        const sealed = seal(keyring, JSON.stringify({ kind: credentialKindOf(input.transport), values }), mcpAad(orgId, id));
        await tx
          .insert(mcpServerSecret)
          .values({ mcpServerId: id, ...sealed })
          .onConflictDoUpdate({ target: mcpServerSecret.mcpServerId, set: sealed });
      } else if (input.credentials) {
        await tx.delete(mcpServerSecret).where(eq(mcpServerSecret.mcpServerId, id));
      }

      const { updatedAt: _at, ...shown } = fields;
      return { id, ...shown, credentialPreview: preview, created: !input.id };
    });
  } catch (error) {
    // Two saves of the same name at once: the unique index decides.
    if (isUniqueViolation(error)) throw new SpedyError('conflict', `An MCP server named ${input.name} already exists; choose another name.`);
    throw error;
  }
}
