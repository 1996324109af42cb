import { describe, expect, it } from 'vitest';
import { budgetBar } from './budget-bar.ts';

describe('the budget bar', () => {
  it('is green within the budget, yellow from the warning threshold, red at the cap', () => {
    expect(budgetBar(1.2, 4, 80)).toEqual({ state: 'within', fill: 0.3, text: '$1.20 of $4.00 (30%)' });
    expect(budgetBar(3.19, 4, 80)?.state).toBe('within');
    expect(budgetBar(3.2, 4, 80)).toEqual({ state: 'warning', fill: 0.8, text: '$3.20 of $4.00 (80%)' });
    expect(budgetBar(4, 4, 80)).toEqual({ state: 'reached', fill: 1, text: '$4.00 of $4.00 (100%)' });
    expect(budgetBar(4.02, 4, 80)).toEqual({ state: 'reached', fill: 1, text: '$4.02 of $4.00 (100%)' });
  });

  it('draws nothing without a cost limit, and reads missing or odd spending as nothing spent', () => {
    expect(budgetBar(3, null, 80)).toBeNull();
    expect(budgetBar(Number.NaN, 10, 80)).toEqual({ state: 'within', fill: 0, text: '$0.00 of $10.00 (0%)' });
    expect(budgetBar(-1, 10, 80)?.fill).toBe(0);
  });
});
