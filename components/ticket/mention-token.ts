/** The @handle being typed at the caret: `text.slice(start, end)` is "@" plus `query`. */
export type MentionToken = { start: number; end: number; query: string };

export type MentionCandidate = {
  /** handle row id (what a comment's `mentions` stores) */
  id: string;
  handle: string;
  /** the member's name; null for a runner team */
  name: string | null;
  kind: 'member' | 'team';
};

const handleChars = /^[a-zA-Z0-9_-]*/;

/**
 * Finds the mention under the caret. The "@" must start a word the way
 * lib/tickets/mentions.ts reads it: not after a word character, "@" or ".", so
 * typing an e-mail address never opens the list.
 */
export function mentionTokenAt(text: string, caret: number): MentionToken | null {
  const m = /(^|[^\w@.])@([a-zA-Z0-9_-]{0,39})$/.exec(text.slice(0, caret));
  if (!m) return null;
  const start = m.index + m[1].length;
  const rest = handleChars.exec(text.slice(caret))?.[0] ?? '';
  return { start, end: caret + rest.length, query: (m[2] + rest).toLowerCase() };
}

/** Replaces the token with "@handle " and says where the caret goes next. */
export function insertMention(text: string, token: MentionToken, handle: string): { text: string; caret: number } {
  const inserted = `@${handle} `;
  const after = text.slice(token.end).replace(/^ /, '');
  return { text: text.slice(0, token.start) + inserted + after, caret: token.start + inserted.length };
}

/** Handles starting with the query first, then handles or names containing it. */
export function matchMentionCandidates(
  candidates: readonly MentionCandidate[],
  query: string,
  limit = 8,
): MentionCandidate[] {
  const q = query.toLowerCase();
  const prefix: MentionCandidate[] = [];
  const partial: MentionCandidate[] = [];
  for (const c of candidates) {
    const handle = c.handle.toLowerCase();
    if (handle.startsWith(q)) prefix.push(c);
    else if (handle.includes(q) || c.name?.toLowerCase().includes(q)) partial.push(c);
  }
  return [...prefix, ...partial].slice(0, limit);
}
