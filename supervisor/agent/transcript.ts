// One run of the CLI, read line by line: each stdout line becomes job events, and what
// the outcome needs (session, final result, questions asked) is kept.
import type { JobEvent } from '../runner/job-context.ts';
import { jobEvent, type StageUsage } from '../runner/job-events.ts';
import { askUserTool } from './mcp-config.ts';
import { parseCliLine, type ResultLine } from './stream-json.ts';

/** The text of a tool result's content: a string or a list of blocks. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((block: unknown) => {
      if (typeof block === 'object' && block !== null && 'text' in block && typeof block.text === 'string') return block.text;
      if (typeof block === 'object' && block !== null && 'type' in block) return `[${String(block.type)}]`;
      return '';
    })
    .join('\n');
}

function questionOf(input: unknown): string | null {
  if (typeof input !== 'object' || input === null || !('question' in input)) return null;
  return typeof input.question === 'string' && input.question.trim() !== '' ? input.question.trim() : null;
}

export class AgentTranscript {
  sessionId: string | undefined;
  result: ResultLine | undefined;
  /** Lines on stdout that were not stream-json (kept for a failure's reason). */
  readonly strayOutput: string[] = [];
  /** Questions the agent asked with ask_user whose call succeeded. */
  readonly questions: string[] = [];

  private readonly askCalls = new Map<string, string>();
  private readonly deniedIds = new Set<string>();
  /** Per API message: the CLI repeats a message's usage on each of its content blocks. */
  private readonly messageUsage = new Map<string, StageUsage>();

  constructor(
    private readonly stage: string,
    private readonly resumed: boolean,
    /** False when the model proxy meters the run: its per-response events are the usage, and the CLI's would count it twice. */
    private readonly countsUsage = true,
  ) {}

  /** The job events of one stdout line (none for lines the supervisor does not show). */
  read(text: string): JobEvent[] {
    if (text.trim() === '') return [];
    const parsed = parseCliLine(text);
    if (!parsed) {
      this.strayOutput.push(text);
      if (this.strayOutput.length > 50) this.strayOutput.shift();
      return [];
    }
    const { stage } = this;
    switch (parsed.kind) {
      case 'init': {
        const { line } = parsed;
        this.sessionId = line.session_id;
        return [
          jobEvent.session(stage, line.session_id, {
            model: line.model,
            resumed: this.resumed,
            tools: line.tools,
            mcpServers: line.mcp_servers.map(({ name, status }) => ({ name, status })),
            skills: line.skills,
          }),
        ];
      }
      case 'system': {
        const { line } = parsed;
        if (line.subtype === 'api_retry') {
          const detail = typeof line.error === 'string' ? line.error : typeof line.error_status === 'number' ? `HTTP ${line.error_status}` : 'the request failed';
          return [jobEvent.error(stage, `The model API failed (${detail}); Claude Code is retrying.`, { retrying: true, attempt: typeof line.attempt === 'number' ? line.attempt : null })];
        }
        if (line.subtype === 'permission_denied') {
          const tool = typeof line.tool_name === 'string' ? line.tool_name : 'a tool';
          const id = typeof line.tool_use_id === 'string' ? line.tool_use_id : undefined;
          if (id) this.deniedIds.add(id);
          return [jobEvent.permissionDenied(stage, tool, id, line.tool_input)];
        }
        return [];
      }
      case 'assistant': {
        const { line } = parsed;
        const events: JobEvent[] = [];
        const { message } = line;
        if (message.id && message.usage && message.model && message.model !== '<synthetic>') {
          const seen = this.messageUsage.get(message.id);
          this.messageUsage.set(message.id, {
            model: message.model,
            inputTokens: message.usage.input_tokens,
            outputTokens: Math.max(seen?.outputTokens ?? 0, message.usage.output_tokens),
            cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
            cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
          });
        }
        for (const block of message.content) {
          if (block.type === 'text' && typeof block.text === 'string') {
            events.push(line.error ? jobEvent.error(stage, block.text, { kind: line.error }) : jobEvent.text(stage, block.text));
          } else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
            events.push(jobEvent.toolCall(stage, block.id, block.name, block.input));
            const question = block.name === askUserTool ? questionOf(block.input) : null;
            if (question) this.askCalls.set(block.id, question);
          }
        }
        return events;
      }
      case 'user': {
        const { content } = parsed.line.message;
        if (typeof content === 'string') return [];
        const events: JobEvent[] = [];
        for (const block of content) {
          if (block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
          const isError = block.is_error === true;
          events.push(jobEvent.toolResult(stage, block.tool_use_id, contentText(block.content), isError));
          const question = this.askCalls.get(block.tool_use_id);
          if (question && !isError) this.questions.push(question);
        }
        return events;
      }
      case 'result': {
        const { line } = parsed;
        this.result = line;
        this.sessionId = line.session_id ?? this.sessionId;
        const events: JobEvent[] = [];
        for (const denial of line.permission_denials) {
          if (denial.tool_use_id && this.deniedIds.has(denial.tool_use_id)) continue;
          events.push(jobEvent.permissionDenied(stage, denial.tool_name, denial.tool_use_id, denial.tool_input));
        }
        events.push(...this.usageEvents());
        events.push(
          jobEvent.result(stage, {
            isError: line.is_error,
            terminalReason: line.terminal_reason ?? null,
            numTurns: line.num_turns ?? null,
            text: line.result ?? line.errors?.join('\n') ?? '',
            costUsd: line.total_cost_usd ?? null,
            durationMs: line.duration_ms ?? null,
          }),
        );
        return events;
      }
    }
  }

  /**
   * Token usage per model: the CLI's own totals from its result; without a result (the
   * container was stopped) the sum of the messages seen, marked partial.
   */
  usageEvents(): JobEvent[] {
    if (!this.countsUsage) return [];
    if (this.result) {
      return Object.entries(this.result.modelUsage).map(([model, usage]) =>
        jobEvent.usage(this.stage, {
          model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cacheReadTokens: usage.cacheReadInputTokens,
          cacheWriteTokens: usage.cacheCreationInputTokens,
          costUsd: usage.costUSD,
        }),
      );
    }
    const byModel = new Map<string, StageUsage>();
    for (const usage of this.messageUsage.values()) {
      const sum = byModel.get(usage.model) ?? { model: usage.model, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, partial: true };
      sum.inputTokens += usage.inputTokens;
      sum.outputTokens += usage.outputTokens;
      sum.cacheReadTokens += usage.cacheReadTokens;
      sum.cacheWriteTokens += usage.cacheWriteTokens;
      byModel.set(usage.model, sum);
    }
    return [...byModel.values()].map((usage) => jobEvent.usage(this.stage, usage));
  }
}
