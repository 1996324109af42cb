// Token usage read from a Messages API response as it passes through the model proxy:
// the SSE stream's message_start (model, input and cache tokens) and message_delta events
// (the output count so far, and, in newer API versions, final input and cache counts), or
// a plain JSON response's `usage`. The bytes are only read, never changed.
import { z } from 'zod';

export interface ResponseUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The response ended before its last event (the container was stopped, the stream cut). */
  partial: boolean;
}

const usageFields = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});
type UsageFields = z.infer<typeof usageFields>;

const messageStart = z.looseObject({ type: z.literal('message_start'), message: z.looseObject({ model: z.string(), usage: usageFields.optional() }) });
const messageDelta = z.looseObject({ type: z.literal('message_delta'), usage: usageFields.optional() });
const messageStop = z.looseObject({ type: z.literal('message_stop') });
const jsonMessage = z.looseObject({ type: z.literal('message'), model: z.string(), usage: usageFields });

/** Reads one response's usage from its body chunks; result() once the body ended. */
export class UsageReader {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private readonly sse: boolean;
  private model: string | undefined;
  private counts = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  private stopped = false;

  constructor(contentType: string | undefined) {
    this.sse = (contentType ?? '').includes('text/event-stream');
  }

  push(chunk: Uint8Array): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    if (!this.sse) return;
    // SSE events end with a blank line; keep an unfinished one for the next chunk.
    let end = this.buffer.search(/\r?\n\r?\n/);
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      this.readEvent(block);
      end = this.buffer.search(/\r?\n\r?\n/);
    }
  }

  /** The response's usage, or null when it had none (an error, a request that was not a message). */
  result(): ResponseUsage | null {
    this.buffer += this.decoder.decode();
    if (this.sse) {
      if (this.buffer.trim()) this.readEvent(this.buffer);
    } else {
      try {
        const parsed = jsonMessage.safeParse(JSON.parse(this.buffer));
        if (parsed.success) {
          this.model = parsed.data.model;
          this.take(parsed.data.usage);
          this.stopped = true;
        }
      } catch {
        // Not JSON: nothing to count.
      }
    }
    this.buffer = '';
    if (!this.model) return null;
    return { model: this.model, ...this.counts, partial: !this.stopped };
  }

  private readEvent(block: string): void {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const start = messageStart.safeParse(json);
    if (start.success) {
      this.model = start.data.message.model;
      if (start.data.message.usage) this.take(start.data.message.usage);
      return;
    }
    const delta = messageDelta.safeParse(json);
    if (delta.success) {
      if (delta.data.usage) this.take(delta.data.usage);
      return;
    }
    if (messageStop.safeParse(json).success) this.stopped = true;
  }

  /** Counts are cumulative in the API: the latest figure of each field replaces the one before. */
  private take(usage: UsageFields): void {
    if (usage.input_tokens != null) this.counts.inputTokens = usage.input_tokens;
    if (usage.output_tokens != null) this.counts.outputTokens = usage.output_tokens;
    if (usage.cache_read_input_tokens != null) this.counts.cacheReadTokens = usage.cache_read_input_tokens;
    if (usage.cache_creation_input_tokens != null) this.counts.cacheWriteTokens = usage.cache_creation_input_tokens;
  }
}
