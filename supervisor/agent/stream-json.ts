// The lines Claude Code writes with `--output-format stream-json --verbose`, as far as the
// supervisor reads them. Loose objects: the CLI adds fields between versions, and a line
// this schema does not know is skipped, never fatal.
import { z } from 'zod';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.unknown(),
  is_error: z.boolean().optional(),
});
const otherBlock = z.looseObject({ type: z.string() });

const messageUsage = z.looseObject({
  input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});

export const systemInitLine = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  model: z.string().optional(),
  tools: z.array(z.string()).default([]),
  mcp_servers: z.array(z.looseObject({ name: z.string(), status: z.string() })).default([]),
  skills: z.array(z.string()).default([]),
});

export const systemOtherLine = z.looseObject({ type: z.literal('system'), subtype: z.string() });

export const assistantLine = z.looseObject({
  type: z.literal('assistant'),
  /** Set when the CLI turned an API failure into a synthetic message (e.g. "server_error"). */
  error: z.string().optional(),
  message: z.looseObject({
    id: z.string().optional(),
    model: z.string().optional(),
    content: z.array(z.union([textBlock, toolUseBlock, otherBlock])).default([]),
    usage: messageUsage.optional(),
  }),
});

export const userLine = z.looseObject({
  type: z.literal('user'),
  message: z.looseObject({ content: z.union([z.string(), z.array(z.union([toolResultBlock, otherBlock]))]) }),
});

export const resultLine = z.looseObject({
  type: z.literal('result'),
  subtype: z.string().optional(),
  session_id: z.string().optional(),
  is_error: z.boolean(),
  api_error_status: z.number().nullish(),
  terminal_reason: z.string().nullish(),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
  num_turns: z.number().optional(),
  duration_ms: z.number().optional(),
  total_cost_usd: z.number().optional(),
  modelUsage: z
    .record(
      z.string(),
      z.looseObject({
        inputTokens: z.number().default(0),
        outputTokens: z.number().default(0),
        cacheReadInputTokens: z.number().default(0),
        cacheCreationInputTokens: z.number().default(0),
        costUSD: z.number().optional(),
      }),
    )
    .default({}),
  permission_denials: z
    .array(z.looseObject({ tool_name: z.string(), tool_use_id: z.string().optional(), tool_input: z.unknown().optional() }))
    .default([]),
});
export type ResultLine = z.infer<typeof resultLine>;

export type CliLine =
  | { kind: 'init'; line: z.infer<typeof systemInitLine> }
  | { kind: 'system'; line: z.infer<typeof systemOtherLine> }
  | { kind: 'assistant'; line: z.infer<typeof assistantLine> }
  | { kind: 'user'; line: z.infer<typeof userLine> }
  | { kind: 'result'; line: ResultLine };

/** One stdout line of the CLI, or null for a line that is not JSON or not one the supervisor reads. */
export function parseCliLine(text: string): CliLine | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  const attempt = <K extends CliLine['kind'], S extends z.ZodType>(kind: K, schema: S) => {
    const parsed = schema.safeParse(json);
    return parsed.success ? ({ kind, line: parsed.data } as CliLine) : null;
  };
  switch (type) {
    case 'system':
      return attempt('init', systemInitLine) ?? attempt('system', systemOtherLine);
    case 'assistant':
      return attempt('assistant', assistantLine);
    case 'user':
      return attempt('user', userLine);
    case 'result':
      return attempt('result', resultLine);
    default:
      return null;
  }
}
