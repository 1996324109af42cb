/** The one list of selectable models and their list prices (USD per million tokens). */
export const models = [
  { id: 'claude-haiku-4-5', label: 'Haiku 4.5', input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  { id: 'claude-sonnet-4-6', label: 'Sonnet 4.6', input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  { id: 'claude-opus-4-7', label: 'Opus 4.7', input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  { id: 'claude-opus-4-6', label: 'Opus 4.6', input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
] as const;

export type ModelId = (typeof models)[number]['id'];
export const modelIds = models.map((m) => m.id) as [ModelId, ...ModelId[]];
export const defaultPlanningModel: ModelId = 'claude-opus-4-7';

const priceOf = new Map<string, (typeof models)[number]>(models.map((m) => [m.id, m]));

/** A model's list prices (USD per million tokens), or undefined for a model not on the list. */
export function modelPrice(model: string): (typeof models)[number] | undefined {
  return priceOf.get(model);
}

/** List-price cost of one usage, or null for a model not on the price list. */
export function listPriceUsd(usage: { model: string; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): number | null {
  const price = priceOf.get(usage.model);
  if (!price) return null;
  const perToken = (tokens: number, perMillion: number) => (tokens * perMillion) / 1_000_000;
  return perToken(usage.inputTokens, price.input) + perToken(usage.outputTokens, price.output) + perToken(usage.cacheReadTokens, price.cacheRead) + perToken(usage.cacheWriteTokens, price.cacheWrite);
}
