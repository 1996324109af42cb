'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useMemo } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { queries } from '@/zero/queries';

/** What the team form checks against: the organization's @handles and its projects' status names. */
export function useTeamFormData() {
  const org = useCurrentOrg();
  const [handles] = useQuery(queries.handles({ orgID: org.id }));
  const [projects] = useQuery(queries.projects({ orgID: org.id }));
  const statusSuggestions = useMemo(() => [...new Set(projects.flatMap((p) => p.statuses.map((s) => s.name)))].sort((a, b) => a.localeCompare(b)), [projects]);
  return { handles, statusSuggestions };
}
