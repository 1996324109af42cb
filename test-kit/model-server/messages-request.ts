import { z } from 'zod';
import type { ToolResult } from './scenario.ts';

// The parts of a Messages API request body the scripted model reads; everything
// else the CLI sends (thinking, metadata, betas, cache_control…) passes untouched.
const contentBlock = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(contentBlock)]);
export const messageSchema = z.looseObject({ role: z.enum(['user', 'assistant']), content });

export const messagesRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
});

export type Message = z.infer<typeof messageSchema>;
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
type ContentBlock = z.infer<typeof contentBlock>;

const scenarioMarker = /\[scenario:([\w.-]+)\]/;

function blocksOf(message: Message): ContentBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

function textOf(block: ContentBlock): string {
  return block.type === 'text' && typeof block.text === 'string' ? block.text : '';
}

// The CLI wraps context it adds itself (CLAUDE.md, reminders) in <system-reminder>.
function isUserWritten(text: string): boolean {
  return text.trim() !== '' && !text.trimStart().startsWith('<system-reminder>');
}

function toolResultText(block: ContentBlock): string {
  const value = block.content;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('\n');
}

/** Assistant turns so far: runs of consecutive assistant messages count once. */
export function assistantTurns(messages: Message[]): number {
  return messages.filter((message, i) => message.role === 'assistant' && messages[i - 1]?.role !== 'assistant').length;
}

export function promptOf(messages: Message[]): string {
  const first = messages.find((message) => message.role === 'user');
  return first ? blocksOf(first).map(textOf).filter(isUserWritten).join('\n') : '';
}

export function scenarioMarkerIn(request: MessagesRequest): string | undefined {
  const first = request.messages.find((message) => message.role === 'user');
  const texts = first ? blocksOf(first).map(textOf) : [];
  return texts.map((value) => scenarioMarker.exec(value)?.[1]).find((name) => name !== undefined);
}

export function lastUserText(messages: Message[]): string | undefined {
  const last = messages.at(-1);
  if (last?.role !== 'user') return undefined;
  const texts = blocksOf(last).map(textOf).filter(isUserWritten);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

export function toolResultsOf(messages: Message[]): ToolResult[] {
  const last = messages.at(-1);
  if (last?.role !== 'user') return [];
  return blocksOf(last)
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({ toolUseId: String(block.tool_use_id), text: toolResultText(block), isError: block.is_error === true }));
}

export function workingDirectoryOf(request: MessagesRequest): string | undefined {
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((part) => part.text ?? '').join('\n');
  return /working directory: *(\S.*)$/im.exec(system)?.[1]?.trim();
}
