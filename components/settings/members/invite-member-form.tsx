'use client';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { authClient } from '@/lib/auth/auth-client';
import { CopyLink } from './copy-link';
import { useInviteLink } from './use-invite-link';

type InviteRole = 'member' | 'admin';

export function InviteMemberForm({ organizationID }: { organizationID: string }) {
  const id = useId();
  const inviteLink = useInviteLink();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InviteRole>('member');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ email: string; invitationID: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    if (!address) return setError('Enter the e-mail address of the person to invite.');
    setPending(true);
    setError(null);
    const result = await authClient.organization.inviteMember({ email: address, role, organizationId: organizationID });
    setPending(false);
    if (result.error || !result.data) {
      return setError(result.error?.message ?? 'The invitation could not be created. Try again.');
    }
    setSent({ email: address, invitationID: result.data.id });
    setEmail('');
  }

  return (
    <section className="grid gap-4 rounded-lg border p-4" aria-labelledby={`${id}-title`}>
      <div>
        <h2 id={`${id}-title`} className="font-semibold">
          Invite someone
        </h2>
        <p className="text-sm text-muted-foreground">
          You get a link to send them yourself; Spedy does not e-mail it. They sign in (or sign up) with this address to
          accept.
        </p>
      </div>
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_11rem_auto] sm:items-end">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-email`}>E-mail</Label>
          <Input
            id={`${id}-email`}
            type="email"
            required
            autoComplete="off"
            placeholder="name@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-role`}>Role</Label>
          <Select value={role} onValueChange={(value) => setRole(value === 'admin' ? 'admin' : 'member')}>
            <SelectTrigger id={`${id}-role`} className="w-full" data-testid="invite-role">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="member">Member</SelectItem>
              <SelectItem value="admin">Administrator</SelectItem>
            </SelectContent>
          </Select>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Inviting…' : 'Invite'}
        </Button>
      </form>
      <FormError id={`${id}-error`}>{error}</FormError>
      {sent && (
        <div className="grid gap-1.5 rounded-md bg-muted/60 p-3" data-testid="invite-result">
          <p className="text-sm">
            Invitation created for <span className="font-medium">{sent.email}</span>. Send them this link:
          </p>
          <CopyLink url={inviteLink(sent.invitationID)} label={`Invitation link for ${sent.email}`} />
        </div>
      )}
    </section>
  );
}
