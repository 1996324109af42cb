// The scenario format: what the scripted model answers, turn by turn.
// A turn is the assistant's reply to one request; the turn index is the number of
// assistant turns already in the request, so `--resume` continues where the
// conversation stopped and a retried request gets the same reply.

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

/** Token counts reported for one turn; the CLI sums them into its `result.usage`. */
export interface ScriptedUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface ScriptedReply {
  content: ScriptedBlock[];
  usage?: ScriptedUsage;
  /** Wait this long before answering (to keep an agent busy, e.g. for Stop tests). */
  delayMs?: number;
  /** Characters per streamed delta (default 24): small pieces split values across chunks. */
  deltaSize?: number;
}

/** An HTTP error in Anthropic's shape, e.g. 500 `api_error` or 529 `overloaded_error`. */
export interface ScriptedError {
  error: { status: number; type: string; message: string };
}

export type TurnResult = ScriptedReply | ScriptedError;
export type Turn = TurnResult | ((request: TurnRequest) => TurnResult);

export interface Scenario {
  description: string;
  turns: Turn[];
  /** Start again at the first turn after the last one (e.g. a fix that never works). */
  loop?: boolean;
}

export interface ToolResult {
  toolUseId: string;
  text: string;
  isError: boolean;
}

/** What a turn function may look at. */
export interface TurnRequest {
  scenario: string;
  turn: number;
  model: string;
  /** Text of the first user message: the prompt given with `-p`. */
  prompt: string;
  /** The plain text the user sent last (a new prompt or a `--resume` answer), if any. */
  lastUserText: string | undefined;
  /** The tool results in the last user message, in order. */
  toolResults: ToolResult[];
  /** The CLI's working directory, read from its system prompt. */
  workingDirectory: string | undefined;
  /** Names of the tools the CLI offered. */
  tools: string[];
}

export function text(value: string): ScriptedBlock {
  return { type: 'text', text: value };
}

export function toolUse(name: string, input: Record<string, unknown>): ScriptedBlock {
  return { type: 'tool_use', name, input };
}

export function isScriptedError(result: TurnResult): result is ScriptedError {
  return 'error' in result;
}

export function resolveTurn(scenario: Scenario, request: TurnRequest): TurnResult {
  const { turns } = scenario;
  const index = scenario.loop && turns.length > 0 ? request.turn % turns.length : request.turn;
  const turn = turns[index];
  if (turn === undefined) {
    return { content: [text(`Scenario "${request.scenario}" has no turn ${request.turn}; stopping here.`)] };
  }
  return typeof turn === 'function' ? turn(request) : turn;
}
