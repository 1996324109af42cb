import { z } from 'zod';

export const projectKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'Project key must be 2–10 capital letters or digits, starting with a letter (e.g. SPD).');

/** Suggests a key from a project name: "Spedy Platform" → "SP", "Billing" → "BIL". */
export function suggestProjectKey(name: string): string {
  const words = name.toUpperCase().replace(/[^A-Z0-9 ]/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const key = words.length > 1 ? words.map((w) => w[0]).join('') : words[0].slice(0, 3);
  const withLetter = /^[A-Z]/.test(key) ? key : `P${key}`;
  return withLetter.slice(0, 10).padEnd(2, 'X');
}
