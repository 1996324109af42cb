import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeBinaryPath, resultOf, runClaude } from './claude-cli.ts';
import { askUserQuestion, editAndTestUsage, workingScript } from './scenarios.ts';
import { startModelServer, type ModelServer } from './server.ts';

// The real Claude Code CLI, driven by the scripted model.

let server: ModelServer;
let scratch: string;

beforeAll(async () => {
  server = await startModelServer();
  scratch = await mkdtemp(join(tmpdir(), 'spedy-claude-'));
});

afterAll(async () => {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function workspace(name: string): Promise<{ cwd: string; home: string }> {
  const cwd = await mkdtemp(join(scratch, `${name}-cwd-`));
  const home = await mkdtemp(join(scratch, `${name}-home-`));
  return { cwd, home };
}

function sum(key: 'input' | 'output' | 'cacheRead' | 'cacheWrite'): number {
  return editAndTestUsage.reduce((total, usage) => total + (usage[key] ?? 0), 0);
}

describe('the Claude Code CLI against the scripted model', () => {
  it('finds the native binary', () => {
    expect(existsSync(claudeBinaryPath())).toBe(true);
  });

  it('writes the file, runs the command and reports the scripted usage (edit-and-test)', async () => {
    const { cwd, home } = await workspace('edit');
    const run = await runClaude({
      baseUrl: server.url,
      cwd,
      home,
      prompt: 'Add a greeting script [scenario:edit-and-test]',
      args: ['--allowedTools', 'Write,Bash', '--dangerously-skip-permissions'],
    });

    expect(await readFile(join(cwd, 'hello.js'), 'utf8')).toContain('Hello from Spedy');
    const types = run.events.map((event) => (event.subtype ? `${event.type}/${event.subtype}` : event.type));
    expect(types[0]).toBe('system/init');
    expect(types).toContain('assistant');
    expect(types).toContain('user');
    const result = resultOf(run);
    expect(result).toMatchObject({
      is_error: false,
      terminal_reason: 'completed',
      num_turns: 3,
      result: 'Added hello.js and ran it; it printed: Hello from Spedy',
      usage: {
        input_tokens: sum('input'),
        output_tokens: sum('output'),
        cache_read_input_tokens: sum('cacheRead'),
        cache_creation_input_tokens: sum('cacheWrite'),
      },
    });
    expect(run.exitCode).toBe(0);
    const turns = server.requests().filter((request) => request.scenario === 'edit-and-test');
    expect(turns.map((request) => request.turn)).toEqual([0, 1, 2]);
  }, 30_000);

  /** The tool results of a run that the CLI flagged as errors (what the job feed shows in red). */
  const toolErrors = (run: Awaited<ReturnType<typeof runClaude>>) =>
    run.events
      .filter((event) => event.type === 'user')
      .flatMap((event) => ((event as { message?: { content?: unknown } }).message?.content as { type?: string; is_error?: boolean; content?: unknown }[] | undefined) ?? [])
      .filter((block) => block.type === 'tool_result' && block.is_error === true);

  it('plans in a read-only stage by reading the repository, without a refused tool call (first-job)', async () => {
    const { cwd, home } = await workspace('plan');
    await writeFile(join(cwd, 'README.md'), '# Demo\n');
    const prompt = `You are the "Planner" stage (planning) of Spedy's pipeline for ticket SPD-1.\n\n## Ticket SPD-1: Add a greeting script\n\n(no description) [scenario:first-job]`;
    const run = await runClaude({ baseUrl: server.url, cwd, home, prompt, args: ['--tools', 'Read,Grep,Glob', '--allowedTools', 'Read,Grep,Glob'] });

    expect(toolErrors(run)).toEqual([]);
    expect(resultOf(run)).toMatchObject({ is_error: false, num_turns: 3, result: expect.stringContaining('## Plan for SPD-1: Add a greeting script') });
    expect(existsSync(join(cwd, 'hello.js'))).toBe(false);
    const reads = server.requests().filter((request) => request.scenario === 'first-job' && request.turn === 2);
    expect(JSON.stringify(reads.at(-1)?.messages)).toContain('# Demo');
  }, 30_000);

  it('reviews by reading the new script, and codes as edit-and-test, in stages with write tools (first-job)', async () => {
    const { cwd, home } = await workspace('review');
    await writeFile(join(cwd, 'hello.js'), workingScript);
    const tools = ['--tools', 'Read,Edit,Write,Bash,Grep,Glob', '--allowedTools', 'Read,Edit,Write,Bash,Grep,Glob'];
    const review = await runClaude({ baseUrl: server.url, cwd, home, prompt: 'You are the "Review" stage (review) of Spedy\'s pipeline. [scenario:first-job]', args: tools });
    expect(toolErrors(review)).toEqual([]);
    expect(resultOf(review)).toMatchObject({ is_error: false, num_turns: 3, result: expect.stringContaining('hello.js prints the greeting as planned') });

    const code = await workspace('implement');
    const implement = await runClaude({ baseUrl: server.url, ...code, prompt: 'You are the "Implement" stage (coding) of Spedy\'s pipeline. [scenario:first-job]', args: tools });
    expect(toolErrors(implement)).toEqual([]);
    expect(resultOf(implement)).toMatchObject({ is_error: false, result: 'Added hello.js and ran it; it printed: Hello from Spedy' });
  }, 60_000);

  it('ends with is_error when the API fails (api-error)', async () => {
    const { cwd, home } = await workspace('error');
    const run = await runClaude({ baseUrl: server.url, cwd, home, prompt: 'Anything [scenario:api-error]', env: { CLAUDE_CODE_MAX_RETRIES: '0' } });

    // 2.1.197 reports subtype "success" and terminal_reason "completed" here: only
    // is_error and api_error_status tell.
    expect(resultOf(run)).toMatchObject({ is_error: true, api_error_status: 500, result: expect.stringContaining('API Error: 500') });
    expect(run.exitCode).toBe(1);
  }, 30_000);

  it('asks through the MCP tool and, resumed with the answer, quotes it (ask-question)', async () => {
    const { cwd, home } = await workspace('ask');
    const mcpLog = join(cwd, 'mcp-calls.jsonl');
    const mcpConfig = JSON.stringify({ mcpServers: { spedy: { command: process.execPath, args: [fileURLToPath(new URL('stub-mcp-server.mjs', import.meta.url))] } } });
    const common = {
      baseUrl: server.url,
      cwd,
      home,
      args: ['--mcp-config', mcpConfig, '--allowedTools', 'mcp__spedy__ask_user'],
      env: { ENABLE_TOOL_SEARCH: 'false', STUB_MCP_LOG: mcpLog },
    };

    const asked = await runClaude({ ...common, prompt: 'Make the page greet visitors [scenario:ask-question]' });
    expect(asked.events[0]).toMatchObject({ type: 'system', subtype: 'init', mcp_servers: [{ name: 'spedy', status: 'connected' }] });
    expect(JSON.parse(await readFile(mcpLog, 'utf8'))).toMatchObject({ name: 'ask_user', arguments: { question: askUserQuestion } });
    const sessionId = resultOf(asked).session_id;
    expect(sessionId).toBeTruthy();

    server.reset();
    const answered = await runClaude({ ...common, prompt: 'Welcome', args: [...common.args, '--resume', String(sessionId)] });
    expect(resultOf(answered)).toMatchObject({ is_error: false, session_id: sessionId, result: expect.stringContaining('You answered: "Welcome"') });
    const [request] = server.requests().filter((entry) => entry.path === '/v1/messages');
    expect(request).toMatchObject({ scenario: 'ask-question', turn: 2 });
    expect(request?.messages?.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(request?.messages?.at(-1)?.content).toEqual([expect.objectContaining({ type: 'text', text: 'Welcome' })]);
  }, 30_000);
});
