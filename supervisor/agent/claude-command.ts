// The command line and environment of one Claude Code run in a stage's container.
//
// Tools: `--tools` is the exact set of built-in tools the model is offered, and
// `--allowedTools` pre-approves them and the stage's MCP tools. Without
// --dangerously-skip-permissions anything else is refused in headless mode (and shows as
// a permission denial), so the stage's list holds both ways; with it, every tool of every
// configured MCP server would be allowed. `--strict-mcp-config` ignores a repository's
// own .mcp.json.
import type { StageSnapshot } from '@spedy/protocol/wire';
import { RUNNER_HOME } from '../image/runner-image.ts';
import { runnerIdentity } from '../git/git-command.ts';
import { isGitCredentialName } from '../secrets.ts';
import type { StageMcp } from './mcp-config.ts';

/** On the runner image's PATH (/usr/local/bin/claude). */
export const claudeCommand = 'claude';

/** Where a stage's skills are mounted; the CLI loads `<dir>/.claude/skills` of an --add-dir folder. */
export const skillsContainerDir = '/opt/spedy/skills';

/** What one run of the agent sends: a new conversation, or a message to an existing session. */
export interface AgentTurn {
  prompt: string;
  resumeSession?: string;
}

export interface ClaudeRunOptions {
  stage: StageSnapshot;
  turn: AgentTurn;
  mcp: StageMcp;
  hasSkills: boolean;
  maxTurns?: number | null;
}

/** `Bash(npm test:*)` → `Bash`: --tools takes plain names, --allowedTools may narrow them. */
function toolName(rule: string): string {
  return rule.replace(/\(.*\)$/, '').trim();
}

export function claudeArgs(options: ClaudeRunOptions): string[] {
  const { stage, turn, mcp } = options;
  const builtIn = stage.allowedTools.filter((tool) => !tool.startsWith('mcp__'));
  const tools = [...new Set([...builtIn.map(toolName), ...(options.hasSkills ? ['Skill'] : [])])];
  const allowed = [...new Set([...builtIn, ...stage.allowedTools.filter((tool) => tool.startsWith('mcp__')), ...mcp.allowedTools, ...(options.hasSkills ? ['Skill'] : [])])];
  const args = ['-p', turn.prompt, '--output-format', 'stream-json', '--verbose', '--model', stage.model, '--tools', tools.join(',')];
  if (allowed.length > 0) args.push('--allowedTools', allowed.join(','));
  if (stage.systemPrompt.trim()) args.push('--append-system-prompt', stage.systemPrompt);
  if (mcp.config) args.push('--mcp-config', JSON.stringify(mcp.config), '--strict-mcp-config');
  if (options.hasSkills) args.push('--add-dir', skillsContainerDir);
  if (turn.resumeSession) args.push('--resume', turn.resumeSession);
  if (options.maxTurns) args.push('--max-turns', String(options.maxTurns));
  return [claudeCommand, ...args];
}

/**
 * Variables the runner sets for every agent; a vault entry of the same name does not replace
 * them. The model's key and address are the runner's too: in key mode the agent gets the
 * model proxy's token and address, never the key (model-access.ts).
 */
const runnerEnvNames = new Set([
  'HOME',
  'PATH',
  'USER',
  'LANG',
  'DISABLE_TELEMETRY',
  'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
  'DISABLE_AUTOUPDATER',
  'ENABLE_TOOL_SEARCH',
  'MCP_CONNECTION_NONBLOCKING',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_CUSTOM_HEADERS',
]);

export interface AgentEnvOptions {
  /** The vault entries of the bootstrap bundle: the agent gets them as variables (git credentials never). */
  secrets: Record<string, string>;
  /** The model proxy or the scripted model; unset for Anthropic's API. */
  modelBaseUrl?: string;
  /** The model proxy's token for this stage (or, without a proxy, the key); none with a Claude login (local mode). */
  apiKey?: string;
  /** Local mode: the header with the model proxy's token for this stage (`x-spedy-proxy-token: spx_…`). */
  customHeaders?: string;
}

export function agentEnv(options: AgentEnvOptions): Record<string, string> {
  const vault = Object.fromEntries(
    Object.entries(options.secrets).filter(([name]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !runnerEnvNames.has(name) && !isGitCredentialName(name)),
  );
  return {
    ...vault,
    HOME: RUNNER_HOME,
    LANG: 'C.UTF-8',
    ...(options.apiKey ? { ANTHROPIC_API_KEY: options.apiKey } : {}),
    ...(options.customHeaders ? { ANTHROPIC_CUSTOM_HEADERS: options.customHeaders } : {}),
    ...(options.modelBaseUrl ? { ANTHROPIC_BASE_URL: options.modelBaseUrl } : {}),
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    // MCP tools go to the model directly instead of behind the ToolSearch tool.
    ENABLE_TOOL_SEARCH: 'false',
    // The first turn already has the MCP tools: by default the CLI starts while its MCP
    // servers still connect, and a slow one (the board tools) is "not available" at first.
    MCP_CONNECTION_NONBLOCKING: 'false',
    // Commits the agent makes itself carry the runner's name (Spedy squashes them anyway).
    GIT_AUTHOR_NAME: runnerIdentity.name,
    GIT_AUTHOR_EMAIL: runnerIdentity.email,
    GIT_COMMITTER_NAME: runnerIdentity.name,
    GIT_COMMITTER_EMAIL: runnerIdentity.email,
  };
}
