// The MCP servers a stage's agent gets (`--mcp-config`): the job's board tools, served by
// the supervisor (supervisor/mcp/), and the servers attached to the stage. MCP tools are
// not allowed by default: each one the stage may use goes into --allowedTools.
import type { StageSnapshot } from '../../lib/runner-api/wire.ts';
import type { BindMount } from '../container/stage-container.ts';
import type { BoardToolsMcp } from '../mcp/board-tools-server.ts';
import { boardToolsServerName } from '../mcp/tools.ts';

/** The board tool an agent asks a person with; the runner waits for the answer when it was called. */
export const askUserTool = `mcp__${boardToolsServerName}__ask_user`;

export type McpServerEntry =
  | { type?: 'stdio'; command: string; args: string[]; env?: Record<string, string> }
  | { type: 'http' | 'sse'; url: string };

export interface StageMcp {
  /** The `--mcp-config` JSON, or null when the stage has no MCP servers. */
  config: { mcpServers: Record<string, McpServerEntry> } | null;
  /** MCP tool names (or `mcp__<server>` for all of a server's tools) for --allowedTools. */
  allowedTools: string[];
  /** Host files the servers' commands need inside the container. */
  binds: BindMount[];
}

/** A server name the CLI accepts in tool names (`mcp__<name>__<tool>`). */
function serverKey(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

export function stageMcp(stage: StageSnapshot, boardTools: BoardToolsMcp | undefined): StageMcp {
  const servers: Record<string, McpServerEntry> = {};
  const allowedTools: string[] = [];
  const binds: BindMount[] = [];
  const taken = new Set<string>([boardToolsServerName]);

  if (boardTools) {
    servers[boardTools.name] = { command: boardTools.server.command, args: [...boardTools.server.args], env: { ...boardTools.server.env } };
    allowedTools.push(...boardTools.allowedTools);
    binds.push(boardTools.bind);
  }
  for (const server of stage.mcpServers) {
    let entry: McpServerEntry;
    if (server.transport === 'stdio' && server.command) entry = { command: server.command, args: server.args };
    else if (server.transport !== 'stdio' && server.url) entry = { type: server.transport, url: server.url };
    else continue;
    const key = serverKey(server.name, taken);
    servers[key] = entry;
    allowedTools.push(...(server.allowedTools.length > 0 ? server.allowedTools.map((tool) => `mcp__${key}__${tool}`) : [`mcp__${key}`]));
  }
  return { config: Object.keys(servers).length > 0 ? { mcpServers: servers } : null, allowedTools, binds };
}
