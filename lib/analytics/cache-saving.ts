// What the prompt cache saved: cache-read tokens would otherwise have been billed as plain
// input, and cache writes cost a premium over plain input. Priced per model from the one
// price list (protocol/src/models.ts), so a saving is computed per usage (one model) and
// only then summed.
import { modelPrice } from '@spedy/protocol/models';

export type CacheSaving = {
  /** What the cache-read tokens would have cost as plain input, minus what they cost. */
  readSavingUsd: number;
  /** What the cache writes cost beyond the same tokens as plain input. */
  writePremiumUsd: number;
  /** readSavingUsd − writePremiumUsd: negative when the cache was written but not read enough. */
  netUsd: number;
  /** Some usage was of a model not on the price list, so its saving is not counted. */
  unpriced: boolean;
};

export const noSaving: CacheSaving = { readSavingUsd: 0, writePremiumUsd: 0, netUsd: 0, unpriced: false };

type CacheUsage = { model: string; cacheReadTokens: number; cacheWriteTokens: number };

const perToken = (tokens: number, perMillion: number) => (tokens * perMillion) / 1_000_000;

/** The saving of one usage (one model); an unknown model saves nothing that can be counted. */
export function cacheSaving(usage: CacheUsage): CacheSaving {
  const price = modelPrice(usage.model);
  if (!price) return { ...noSaving, unpriced: usage.cacheReadTokens > 0 || usage.cacheWriteTokens > 0 };
  const readSavingUsd = perToken(usage.cacheReadTokens, price.input - price.cacheRead);
  const writePremiumUsd = perToken(usage.cacheWriteTokens, price.cacheWrite - price.input);
  return { readSavingUsd, writePremiumUsd, netUsd: readSavingUsd - writePremiumUsd, unpriced: false };
}

export function addSaving(a: CacheSaving, b: CacheSaving): CacheSaving {
  return {
    readSavingUsd: a.readSavingUsd + b.readSavingUsd,
    writePremiumUsd: a.writePremiumUsd + b.writePremiumUsd,
    netUsd: a.netUsd + b.netUsd,
    unpriced: a.unpriced || b.unpriced,
  };
}

/** "$0.0123", "$12.34", "−$0.0040" (a loss reads as one). */
export function formatUsd(value: number): string {
  const abs = Math.abs(value);
  const text = `$${abs < 1 ? abs.toFixed(4) : abs.toFixed(2)}`;
  return value < 0 && Number(text.slice(1)) !== 0 ? `−${text}` : text;
}

/** The gross figures behind a net saving, for a tooltip. */
export function describeSaving(saving: CacheSaving): string {
  const lines = [
    `Cache reads saved ${formatUsd(saving.readSavingUsd)} over plain input`,
    `Cache writes cost ${formatUsd(saving.writePremiumUsd)} more than plain input`,
    `Net ${formatUsd(saving.netUsd)}`,
  ];
  if (saving.unpriced) lines.push('Usage of a model not on the price list is left out');
  return lines.join('\n');
}
