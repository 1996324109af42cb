// The MCP servers a stage's agent gets (`--mcp-config`): the job's board tools, served by
// the supervisor (supervisor/mcp/), and the servers attached to the stage. MCP tools are
// not allowed by default: each one the stage may use goes into --allowedTools.
//
// A server's stored credentials never appear in the config (it is a command-line argument,
// visible to `ps` and `docker inspect`): the config says `${SPEDY_MCP_<n>_<NAME>}`, the CLI
// expands it from its own environment, and the values travel only as container variables.
import type { McpServerCredentials, StageSnapshot } from '@spedy/protocol/wire';
import type { BindMount } from '../container/stage-container.ts';
import type { BoardToolsMcp } from '../mcp/board-tools-server.ts';
import { boardToolsServerName } from '../mcp/tools.ts';

/** The board tool an agent asks a person with; the runner waits for the answer when it was called. */
export const askUserTool = `mcp__${boardToolsServerName}__ask_user`;
/** The board tools' knowledge search (supervisor/mcp/tools.ts). */
export const knowledgeRecallTool = `mcp__${boardToolsServerName}__knowledge_recall`;

export type McpServerEntry =
  | { type?: 'stdio'; command: string; args: string[]; env?: Record<string, string> }
  | { type: 'http' | 'sse'; url: string; headers?: Record<string, string> };

export interface StageMcp {
  /** The `--mcp-config` JSON, or null when the stage has no MCP servers. */
  config: { mcpServers: Record<string, McpServerEntry> } | null;
  /** MCP tool names (or `mcp__<server>` for all of a server's tools) for --allowedTools. */
  allowedTools: string[];
  /** Host files the servers' commands need inside the container. */
  binds: BindMount[];
  /** The servers' credentials, as the container variables the config refers to. */
  env: Record<string, string>;
}

/** A server name the CLI accepts in tool names (`mcp__<name>__<tool>`). */
function serverKey(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

/** `SPEDY_MCP_2_1_AUTHORIZATION` for the 2nd server's first credential; SPEDY_ names are the runner's own (vault entries cannot take them). */
function credentialVariable(serverIndex: number, credentialIndex: number, name: string): string {
  return `SPEDY_MCP_${serverIndex}_${credentialIndex}_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

export function stageMcp(stage: StageSnapshot, boardTools: BoardToolsMcp | undefined, credentials: readonly McpServerCredentials[] = []): StageMcp {
  const servers: Record<string, McpServerEntry> = {};
  const allowedTools: string[] = [];
  const binds: BindMount[] = [];
  const env: Record<string, string> = {};
  const taken = new Set<string>([boardToolsServerName]);
  const credentialsOf = new Map(credentials.map((c) => [c.id, c]));

  if (boardTools) {
    servers[boardTools.name] = { command: boardTools.server.command, args: [...boardTools.server.args], env: { ...boardTools.server.env } };
    allowedTools.push(...boardTools.allowedTools);
    binds.push(boardTools.bind);
  }
  for (const [index, server] of stage.mcpServers.entries()) {
    const stored = credentialsOf.get(server.id);
    // STDIO servers take environment variables, SSE and HTTP servers headers (lib/mcp/config-input.ts).
    const fits = stored?.kind === (server.transport === 'stdio' ? 'env' : 'headers');
    const references: Record<string, string> = {};
    for (const [credentialIndex, [name, value]] of Object.entries(fits ? stored.values : {}).entries()) {
      const variable = credentialVariable(index + 1, credentialIndex + 1, name);
      references[name] = `\${${variable}}`;
      env[variable] = value;
    }
    const withCredentials = Object.keys(references).length > 0;
    let entry: McpServerEntry;
    if (server.transport === 'stdio' && server.command) {
      entry = { command: server.command, args: server.args, ...(withCredentials ? { env: references } : {}) };
    } else if (server.transport !== 'stdio' && server.url) {
      entry = { type: server.transport, url: server.url, ...(withCredentials ? { headers: references } : {}) };
    } else continue;
    const key = serverKey(server.name, taken);
    servers[key] = entry;
    allowedTools.push(...(server.allowedTools.length > 0 ? server.allowedTools.map((tool) => `mcp__${key}__${tool}`) : [`mcp__${key}`]));
  }
  return { config: Object.keys(servers).length > 0 ? { mcpServers: servers } : null, allowedTools, binds, env };
}
