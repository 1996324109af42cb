/** `@handle` preceded by start or a non-word character (so e-mail addresses do not count); group 2 is the handle. */
export const mentionPattern = /(^|[^\w@.])@([a-zA-Z0-9][a-zA-Z0-9_-]{0,38})/g;

/** Handles written as @name in markdown (not inside e-mail addresses or code spans). */
export function extractMentionHandles(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ');
  const found = new Set<string>();
  for (const m of withoutCode.matchAll(new RegExp(mentionPattern))) {
    found.add(m[2].toLowerCase());
  }
  return [...found];
}

/**
 * The handles of one organization named in a list, as rows with their ids. The browser's
 * optimistic mutator reads them through Zero, the server through PostgreSQL.
 */
export type HandleLookup = (organizationId: string, handles: string[]) => Promise<readonly { id: string }[]>;

/** Mentions are stored as handle ids: the @handles of the body that exist in the organization. */
export async function resolveMentions(body: string, organizationId: string, lookup: HandleLookup): Promise<string[]> {
  const handles = extractMentionHandles(body);
  if (handles.length === 0) return [];
  return (await lookup(organizationId, handles)).map((h) => h.id);
}
