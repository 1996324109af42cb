import { describe, expect, it } from 'vitest';
import { planSideBySide } from './plan-diff.ts';

describe('planSideBySide', () => {
  it('marks the lines a revision removed on the left and added on the right, the rest on both', () => {
    const { before, after, changed } = planSideBySide('## Plan\n\n1. Add hello.js.\n2. Run it.', '## Plan\n\n1. Add hello.js.\n2. Run it twice.\n3. Add a test.\n');
    expect(changed).toBe(true);
    expect(before).toEqual([
      { text: '## Plan', change: 'same' },
      { text: '', change: 'same' },
      { text: '1. Add hello.js.', change: 'same' },
      { text: '2. Run it.', change: 'removed' },
    ]);
    expect(after).toEqual([
      { text: '## Plan', change: 'same' },
      { text: '', change: 'same' },
      { text: '1. Add hello.js.', change: 'same' },
      { text: '2. Run it twice.', change: 'added' },
      { text: '3. Add a test.', change: 'added' },
    ]);
  });

  it('says when the planner wrote the same plan again, with or without a final newline', () => {
    const { before, after, changed } = planSideBySide('1. One.\n2. Two.', '1. One.\n2. Two.\n');
    expect(changed).toBe(false);
    expect(before).toEqual(after);
  });
});
