import { describe, expect, it } from 'vitest';
import { emptyJobUsage } from '@/lib/jobs/usage';
import { formatCost, formatHitRate, listFigures } from './usage-figures';

const figures = (usage: Parameters<typeof listFigures>[0]) => Object.fromEntries(listFigures(usage).map((f) => [f.key, f.value]));

describe('usage figures', () => {
  it('shows tokens, cache read and write, hit rate, cost and turns as the lists show them', () => {
    const usage = { ...emptyJobUsage, inputTokens: 1200, outputTokens: 80, cacheReadTokens: 4000, cacheWriteTokens: 4100, costUsd: 0.0123, turns: 3 };
    expect(figures(usage)).toEqual({ tokens: '1,280', 'cache-read': '4,000', 'cache-write': '4,100', 'cache-hit-rate': '43%', cost: '$0.0123', 'cache-saving': '$0.0000', turns: '3' });
  });

  it('shows "—" for the hit rate when nothing was read (a zero denominator), and a cost of nothing', () => {
    expect(formatHitRate(emptyJobUsage)).toBe('—');
    expect(figures(emptyJobUsage)).toMatchObject({ tokens: '0', 'cache-hit-rate': '—', cost: '$0.0000', turns: '0' });
  });

  it('leaves output tokens out of the hit rate: only input, cache read and cache write make the denominator', () => {
    expect(formatHitRate({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe('—');
    expect(formatHitRate({ inputTokens: 100, cacheReadTokens: 900, cacheWriteTokens: 0 })).toBe('90%');
  });

  it('shows the net cache saving with the gross figures as its tooltip', () => {
    const saving = { readSavingUsd: 2.7, writePremiumUsd: 0.15, netUsd: 2.55, unpriced: false };
    const figure = listFigures({ ...emptyJobUsage, saving }).find((f) => f.key === 'cache-saving');
    expect(figure).toEqual({
      key: 'cache-saving',
      label: 'Cache saved',
      value: '$2.55',
      title: 'Cache reads saved $2.70 over plain input\nCache writes cost $0.1500 more than plain input\nNet $2.55',
    });
  });

  it('marks a cost with unpriced usage with "+" and shows cents from a dollar up', () => {
    expect(formatCost({ costUsd: 1.5, costIncomplete: false })).toBe('$1.50');
    expect(formatCost({ costUsd: 0.25, costIncomplete: true })).toBe('$0.2500+');
  });
});
