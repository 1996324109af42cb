import { generateNKeysBetween } from 'fractional-indexing';

export const defaultStatusNames = ['Backlog', 'Todo', 'AI Processing', 'In Review', 'Done'] as const;

export function defaultStatuses(newId: () => string): { id: string; name: string; position: string }[] {
  const positions = generateNKeysBetween(null, null, defaultStatusNames.length);
  return defaultStatusNames.map((name, i) => ({ id: newId(), name, position: positions[i] }));
}
