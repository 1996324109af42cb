'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useMemo } from 'react';
import { queries } from '@/zero/queries';
import type { MentionCandidate } from './mention-token';

export type Person = { userID: string; name: string; email: string };

/** Who is in the organization: people (for assignees and authors) and the @handle namespace. */
export function useOrgDirectory(orgID: string) {
  const [members] = useQuery(queries.members({ orgID }));
  const [handles] = useQuery(queries.handles({ orgID }));

  return useMemo(() => {
    const people = new Map<string, Person>();
    for (const m of members) {
      if (m.user) people.set(m.userId, { userID: m.userId, name: m.user.name, email: m.user.email });
    }
    const candidates: MentionCandidate[] = handles.map((h) => ({
      id: h.id,
      handle: h.handle,
      name: h.userId ? (people.get(h.userId)?.name ?? null) : null,
      kind: h.teamId ? 'team' : 'member',
    }));
    const handleByID = new Map(handles.map((h) => [h.id, h.handle.toLowerCase()]));
    const sortedPeople = [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { people, sortedPeople, candidates, handleByID };
  }, [members, handles]);
}
