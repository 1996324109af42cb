'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useMemo } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Avatar } from '@/components/ui/avatar';
import { Skeleton } from '@/components/ui/skeleton';
import { can } from '@/lib/auth/permissions';
import { queries } from '@/zero/queries';
import { InviteMemberForm } from './invite-member-form';
import { MemberPermissions } from './member-permissions';
import { PendingInvitations } from './pending-invitations';
import { roleLabel } from './role-label';

export function MembersPageClient() {
  const org = useCurrentOrg();
  const mayInvite = can(org.role, 'members:invite');

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto grid w-full max-w-4xl gap-8 px-6 py-8">
        <header className="grid gap-1">
          <h1 className="text-2xl font-semibold">Members</h1>
          <p className="text-sm text-muted-foreground">Everyone in {org.name}. Mention them in comments by their @handle.</p>
        </header>
        {mayInvite ? (
          <InviteMemberForm organizationID={org.id} />
        ) : (
          <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground" data-testid="invite-admin-only">
            Only administrators can invite people to {org.name}. Ask one of them for an invitation link.
          </p>
        )}
        <MembersTable orgID={org.id} currentUserID={org.userID} />
        {mayInvite && <PendingInvitations organizationID={org.id} />}
        <MemberPermissions orgID={org.id} canChange={can(org.role, 'organization:manage')} />
      </div>
    </div>
  );
}

function MembersTable({ orgID, currentUserID }: { orgID: string; currentUserID: string }) {
  const [members, membersResult] = useQuery(queries.members({ orgID }));
  const [handles] = useQuery(queries.handles({ orgID }));

  const rows = useMemo(() => {
    const handleOf = new Map(handles.flatMap((h) => (h.userId ? [[h.userId, h.handle] as const] : [])));
    return members
      .map((m) => ({
        id: m.id,
        userID: m.userId,
        name: m.user?.name ?? 'Unknown user',
        email: m.user?.email ?? '',
        handle: handleOf.get(m.userId) ?? null,
        role: roleLabel(m.role),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [members, handles]);

  if (rows.length === 0 && membersResult.type !== 'complete') {
    return (
      <div className="grid gap-2" aria-busy="true" aria-label="Loading members">
        {Array.from({ length: 3 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows, all alike and never reordered.
          <Skeleton key={i} className="h-12 w-full" />
        ))}
      </div>
    );
  }

  // A plain table: a handful of rows with nothing to sort, filter or virtualise.
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm">
        <caption className="sr-only">Members of the organization</caption>
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Name</th>
            <th scope="col" className="px-3 py-2 font-medium">E-mail</th>
            <th scope="col" className="px-3 py-2 font-medium">Handle</th>
            <th scope="col" className="px-3 py-2 font-medium">Role</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {rows.map((r) => (
            <tr key={r.id} data-testid="member-row">
              <td className="px-3 py-2">
                <div className="flex items-center gap-2">
                  <Avatar name={r.name} size="sm" />
                  <span className="font-medium">{r.name}</span>
                  {r.userID === currentUserID && <span className="text-xs text-muted-foreground">(you)</span>}
                </div>
              </td>
              <td className="px-3 py-2 text-muted-foreground">{r.email}</td>
              <td className="px-3 py-2 font-mono text-xs">{r.handle ? `@${r.handle}` : '—'}</td>
              <td className="px-3 py-2">{r.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
