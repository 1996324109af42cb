import { resolveClaudeBinary } from '../../supervisor/image/inputs.ts';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';

// Running the real Claude Code CLI against the scripted model, outside Docker.

/**
 * The native `claude` binary: `@anthropic-ai/claude-code-<platform>-<arch>/claude`
 * (glibc builds), else the wrapper's `bin/claude.exe`, which its postinstall
 * replaces with that same binary.
 */
/** The native `claude` binary, found by the supervisor's image inputs (one owner for the lookup). */
export function claudeBinaryPath(): string {
  return resolveClaudeBinary().path;
}

export const streamEventSchema = z.looseObject({ type: z.string(), subtype: z.string().optional(), session_id: z.string().optional() });
export type StreamEvent = z.infer<typeof streamEventSchema>;

export interface ClaudeRunOptions {
  /** The model server's URL, given to the CLI as ANTHROPIC_BASE_URL. */
  baseUrl: string;
  cwd: string;
  /** A scratch HOME: the CLI keeps its sessions under HOME/.claude (needed for --resume). */
  home: string;
  prompt: string;
  /** Extra arguments after the defaults (`--output-format stream-json --verbose --model claude-sonnet-4-6`). */
  args?: string[];
  /** Extra environment, e.g. CLAUDE_CODE_MAX_RETRIES or ENABLE_TOOL_SEARCH. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ClaudeRun {
  events: StreamEvent[];
  exitCode: number | null;
  stderr: string;
  durationMs: number;
}

export async function runClaude(options: ClaudeRunOptions): Promise<ClaudeRun> {
  const started = performance.now();
  const args = ['-p', options.prompt, '--output-format', 'stream-json', '--verbose', '--model', 'claude-sonnet-4-6', ...(options.args ?? [])];
  // A clean environment: nothing from the calling shell (a real key, a coding
  // client's own variables) may reach the CLI.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // Never vitest's "test": the CLI must behave as shipped.
    NODE_ENV: 'production',
    HOME: options.home,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: 'test',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // As root, --dangerously-skip-permissions is refused without it.
    IS_SANDBOX: '1',
    ...options.env,
  };
  const child = spawn(claudeBinaryPath(), args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const events: StreamEvent[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.trim() !== '') events.push(streamEventSchema.parse(JSON.parse(line)));
  }
  const exitCode = await exited.finally(() => clearTimeout(timer));
  return { events, exitCode, stderr, durationMs: performance.now() - started };
}

export function resultOf(run: ClaudeRun): StreamEvent {
  const result = run.events.find((event) => event.type === 'result');
  if (!result) throw new Error(`The CLI wrote no result event (exit ${run.exitCode}): ${run.stderr}`);
  return result;
}
