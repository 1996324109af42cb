// PUT /api/orgs/[orgId]/mcp-servers — create an MCP server configuration, or update it when
// the body has an id. Credentials are sealed on the configuration; the answer carries only
// their masked preview. Deleting is the Zero mutator mcpServer.delete.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { mcpServerInput } from '@/lib/mcp/config-input';
import { saveMcpServer } from '@/lib/mcp/configs';
import { getKeyring } from '@/lib/secrets/keyring';

export const PUT = withSession({ permission: 'teams:manage', body: mcpServerInput }, async ({ orgId, body }) => {
  const server = await saveMcpServer(getDb(), getKeyring(), orgId, body);
  return { server };
});
