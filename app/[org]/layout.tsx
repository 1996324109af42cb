import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { OrgProvider } from '@/components/shell/org-context';
import { OrgShell } from '@/components/shell/org-shell';
import { ZeroRoot } from '@/components/shell/zero-root';
import { findMemberOrg } from '@/lib/auth/org-access';
import { memberRole } from '@/lib/auth/roles';
import { buildZeroContext, getSession } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const session = await getSession(await headers());
  if (!session) redirect(`/sign-in?next=/${encodeURIComponent(slug)}`);
  const org = await findMemberOrg(session.user.id, slug);
  // Same answer whether the org does not exist or belongs to others.
  if (!org) notFound();
  const context = await buildZeroContext(session.user.id);
  return (
    <ZeroRoot zeroUrl={getConfig().ZERO_PUBLIC_URL} context={context}>
      <OrgProvider org={{ ...org, role: memberRole(org.role), userID: session.user.id }}>
        <OrgShell userName={session.user.name}>{children}</OrgShell>
      </OrgProvider>
    </ZeroRoot>
  );
}
