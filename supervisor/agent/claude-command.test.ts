import { describe, expect, it } from 'vitest';
import type { StageSnapshot } from '@spedy/protocol/wire';
import { agentEnv, claudeArgs } from './claude-command.ts';
import { stageMcp } from './mcp-config.ts';

const stage: StageSnapshot = {
  id: 'implement',
  type: 'coding',
  name: 'Implement',
  systemPrompt: 'Write the code.',
  allowedTools: ['Read', 'Edit', 'Bash(npm test:*)', 'mcp__docs__search'],
  model: 'claude-sonnet-4-6',
  role: 'executor',
  requireApproval: false,
  validationCommands: [],
  maxRetries: 2,
  skills: [],
  mcpServers: [{ id: 'm1', name: 'Docs', transport: 'http', url: 'http://127.0.0.1:9/mcp', args: [], allowedTools: ['search'] }],
};
const boardTools = {
  name: 'spedy' as const,
  server: { command: 'node' as const, args: ['/spedy/board-tools.mjs'] as ['/spedy/board-tools.mjs'], env: { SPEDY_TOOLS_URL: 'http://127.0.0.1:1', SPEDY_TOOLS_SECRET: 's' } },
  bind: { host: '/jobs/.board-tools/board-tools.mjs', container: '/spedy/board-tools.mjs', readOnly: true },
  allowedTools: ['mcp__spedy__ask_user', 'mcp__spedy__add_comment'],
};

describe('the claude command of a stage', () => {
  it('offers exactly the stage’s built-in tools and allows its MCP tools, with the board tools', () => {
    const mcp = stageMcp(stage, boardTools);
    const argv = claudeArgs({ stage, turn: { prompt: 'Do it', resumeSession: 's-1' }, mcp, hasSkills: true, maxTurns: 30 });
    const flag = (name: string) => argv[argv.indexOf(name) + 1];
    expect(argv.slice(0, 7)).toEqual(['claude', '-p', 'Do it', '--output-format', 'stream-json', '--verbose', '--model']);
    expect(flag('--tools')).toBe('Read,Edit,Bash,Skill');
    expect(flag('--allowedTools')).toBe('Read,Edit,Bash(npm test:*),mcp__docs__search,mcp__spedy__ask_user,mcp__spedy__add_comment,Skill');
    expect(JSON.parse(flag('--mcp-config')!)).toEqual({
      mcpServers: { spedy: { command: 'node', args: ['/spedy/board-tools.mjs'], env: boardTools.server.env }, docs: { type: 'http', url: 'http://127.0.0.1:9/mcp' } },
    });
    expect(argv).toContain('--strict-mcp-config');
    expect(flag('--append-system-prompt')).toBe('Write the code.');
    expect(flag('--resume')).toBe('s-1');
    expect(flag('--max-turns')).toBe('30');
    expect(flag('--add-dir')).toBe('/opt/spedy/skills');
    expect(argv).not.toContain('--dangerously-skip-permissions');
    expect(mcp.binds).toEqual([boardTools.bind]);
  });

  it('gives the agent the vault entries but keeps the runner’s own variables', () => {
    const env = agentEnv({ secrets: { NPM_TOKEN: 'npm_x', HOME: '/root', 'BAD-NAME': 'x', ANTHROPIC_API_KEY: 'sk-vault' }, modelBaseUrl: 'http://127.0.0.1:4100', apiKey: 'sk-vault' });
    expect(env).toMatchObject({ NPM_TOKEN: 'npm_x', HOME: '/home/runner', ANTHROPIC_API_KEY: 'sk-vault', ANTHROPIC_BASE_URL: 'http://127.0.0.1:4100', ENABLE_TOOL_SEARCH: 'false', MCP_CONNECTION_NONBLOCKING: 'false', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(env).not.toHaveProperty('BAD-NAME');
  });

  it('gives the agent the proxy token in place of the key, and never a git credential', () => {
    const env = agentEnv({
      secrets: { ANTHROPIC_API_KEY: 'sk-ant-the-key', ANTHROPIC_AUTH_TOKEN: 'sk-ant-oauth', GITHUB_TOKEN: 'ghp_x', GH_TOKEN: 'ghp_y', BITBUCKET_TOKEN: 'bb', BITBUCKET_USERNAME: 'bitty', SERVICE_TOKEN: 'svc' },
      modelBaseUrl: 'http://127.0.0.1:5000',
      apiKey: 'spx_stage-token',
    });
    expect(env).toMatchObject({ ANTHROPIC_API_KEY: 'spx_stage-token', ANTHROPIC_BASE_URL: 'http://127.0.0.1:5000', SERVICE_TOKEN: 'svc' });
    for (const name of ['ANTHROPIC_AUTH_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'BITBUCKET_TOKEN', 'BITBUCKET_USERNAME']) expect(env).not.toHaveProperty(name);
    expect(Object.values(env)).not.toContain('sk-ant-the-key');
  });

  it('in local mode gives no key at all: the proxy token travels in its own header, beside the login the CLI sends', () => {
    const env = agentEnv({
      secrets: { ANTHROPIC_API_KEY: 'sk-ant-the-key', ANTHROPIC_CUSTOM_HEADERS: 'x-other: planted' },
      modelBaseUrl: 'http://127.0.0.1:5000',
      customHeaders: 'x-spedy-proxy-token: spx_stage-token',
    });
    expect(env).toMatchObject({ ANTHROPIC_CUSTOM_HEADERS: 'x-spedy-proxy-token: spx_stage-token', ANTHROPIC_BASE_URL: 'http://127.0.0.1:5000' });
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(Object.values(env)).not.toContain('sk-ant-the-key');
  });
});
