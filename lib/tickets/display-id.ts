export function formatDisplayId(projectKey: string, number: number | null | undefined): string {
  return number == null ? `${projectKey}-…` : `${projectKey}-${number}`;
}

/** "SPD-42" → { key: "SPD", number: 42 }; null when it is not a display id. */
export function parseDisplayId(displayId: string): { key: string; number: number } | null {
  const match = /^([A-Za-z][A-Za-z0-9]{0,9})-(\d{1,9})$/.exec(displayId.trim());
  if (!match) return null;
  return { key: match[1].toUpperCase(), number: Number(match[2]) };
}
