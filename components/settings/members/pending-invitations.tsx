'use client';
import { useQuery } from '@rocicorp/zero/react';
import { formatDistanceToNow } from 'date-fns';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { authClient } from '@/lib/auth/auth-client';
import { queries } from '@/zero/queries';
import { CopyLink } from './copy-link';
import { roleLabel } from './role-label';
import { useInviteLink } from './use-invite-link';

/** Administrators only: the query returns nothing to members. */
export function PendingInvitations({ organizationID }: { organizationID: string }) {
  const inviteLink = useInviteLink();
  const [invitations] = useQuery(queries.invitations({ orgID: organizationID }));
  const [cancelling, setCancelling] = useState<string | null>(null);
  // The server stops honouring an invitation at expiresAt even while its status still says pending.
  const [now] = useState(() => Date.now());
  const open = invitations.filter((i) => i.expiresAt > now);

  async function cancel(invitationID: string) {
    setCancelling(invitationID);
    const { error } = await authClient.organization.cancelInvitation({ invitationId: invitationID });
    setCancelling(null);
    if (error) toast.error(error.message ?? 'The invitation could not be cancelled. Try again.');
  }

  return (
    <section className="grid gap-3" aria-labelledby="pending-invitations">
      <h2 id="pending-invitations" className="font-semibold">
        Pending invitations
      </h2>
      {open.length === 0 ? (
        <p className="text-sm text-muted-foreground">No pending invitations.</p>
      ) : (
        <ul className="divide-y rounded-lg border">
          {open.map((inv) => (
            <li key={inv.id} data-testid="invitation-row" className="grid gap-2 p-3">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span className="font-medium">{inv.email}</span>
                <span className="text-muted-foreground">{roleLabel(inv.role)}</span>
                <span className="text-muted-foreground">expires {formatDistanceToNow(inv.expiresAt, { addSuffix: true })}</span>
                <Button
                  variant="ghost"
                  size="sm"
                  className="ml-auto text-destructive hover:text-destructive"
                  disabled={cancelling === inv.id}
                  onClick={() => cancel(inv.id)}
                >
                  Cancel invitation
                </Button>
              </div>
              <CopyLink url={inviteLink(inv.id)} label={`Invitation link for ${inv.email}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
