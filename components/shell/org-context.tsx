'use client';
import { createContext, useContext, type ReactNode } from 'react';
import type { Role } from '@/lib/auth/roles';

export type CurrentOrg = { id: string; name: string; slug: string; role: Role; userID: string };

const OrgContext = createContext<CurrentOrg | null>(null);

export function OrgProvider({ org, children }: { org: CurrentOrg; children: ReactNode }) {
  return <OrgContext.Provider value={org}>{children}</OrgContext.Provider>;
}

/** The organization of the current URL, as resolved (and permission-checked) by the server layout. */
export function useCurrentOrg(): CurrentOrg {
  const org = useContext(OrgContext);
  if (!org) throw new Error('useCurrentOrg must be used inside an organization page');
  return org;
}
