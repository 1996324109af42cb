import { describe, expect, it } from 'vitest';
import type { StageSnapshot } from '@spedy/protocol/wire';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { stageMcp } from './mcp-config.ts';

const stage = (mcpServers: StageSnapshot['mcpServers']) => stageSnapshot({ id: 's1', name: 'Code', allowedTools: ['Bash'], mcpServers });

const sentry = { id: 'm1', name: 'Sentry', transport: 'http' as const, url: 'https://mcp.example.com/mcp', args: [], allowedTools: ['search'] };
const local = { id: 'm2', name: 'local', transport: 'stdio' as const, command: 'npx', args: ['local-mcp'], allowedTools: [] };

describe('a stage’s MCP servers with stored credentials', () => {
  it('refers to each credential by a variable and carries the value only in the container environment', () => {
    const mcp = stageMcp(stage([sentry, local]), undefined, [
      { id: 'm1', kind: 'headers', values: { Authorization: 'Bearer sentry-secret-1', 'X-Team': 'team-secret-2' } },
      { id: 'm2', kind: 'env', values: { LOCAL_TOKEN: 'local-secret-3' } },
    ]);
    expect(mcp.config).toEqual({
      mcpServers: {
        sentry: { type: 'http', url: sentry.url, headers: { Authorization: '${SPEDY_MCP_1_1_AUTHORIZATION}', 'X-Team': '${SPEDY_MCP_1_2_X_TEAM}' } },
        local: { command: 'npx', args: ['local-mcp'], env: { LOCAL_TOKEN: '${SPEDY_MCP_2_1_LOCAL_TOKEN}' } },
      },
    });
    expect(JSON.stringify(mcp.config)).not.toMatch(/secret/);
    expect(mcp.env).toEqual({ SPEDY_MCP_1_1_AUTHORIZATION: 'Bearer sentry-secret-1', SPEDY_MCP_1_2_X_TEAM: 'team-secret-2', SPEDY_MCP_2_1_LOCAL_TOKEN: 'local-secret-3' });
    expect(mcp.allowedTools).toEqual(['mcp__sentry__search', 'mcp__local']);
  });

  it('ignores credentials of servers the stage does not use and of the wrong kind', () => {
    const mcp = stageMcp(stage([sentry]), undefined, [
      { id: 'm1', kind: 'env', values: { SENTRY_TOKEN: 'wrong-kind-secret' } },
      { id: 'other', kind: 'headers', values: { Authorization: 'other-secret' } },
    ]);
    expect(mcp.config).toEqual({ mcpServers: { sentry: { type: 'http', url: sentry.url } } });
    expect(mcp.env).toEqual({});
  });
});
