'use client';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { FormError } from '@/components/ui/form-error';
import { Spinner } from '@/components/ui/spinner';
import { authClient } from '@/lib/auth/auth-client';
import { roleLabel } from './role-label';

type InvitationSummary = { organizationName: string; organizationSlug: string; inviterEmail: string; email: string; role: string };
type AuthError = { code?: string; message?: string; status?: number };
type Problem = { kind: 'wrong-account' | 'gone' | 'other'; message: string };

// better-auth's organization plugin error codes (node_modules/better-auth/dist/plugins/organization/error-codes.mjs).
function toProblem(error: AuthError): Problem {
  if (error.code === 'YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION') {
    return { kind: 'wrong-account', message: 'This invitation was sent to a different e-mail address.' };
  }
  if (error.code === 'INVITATION_NOT_FOUND') {
    return { kind: 'gone', message: 'This invitation is no longer valid: it was accepted, cancelled or has expired. Ask for a new link.' };
  }
  return { kind: 'other', message: error.message ?? 'Something went wrong. Try again in a moment.' };
}

export function AcceptInvitationClient({ invitationID }: { invitationID: string }) {
  const session = authClient.useSession();
  const [invitation, setInvitation] = useState<InvitationSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [pending, setPending] = useState(false);

  // Only the invited address may read the invitation, so this also tells a wrong account early.
  useEffect(() => {
    let live = true;
    void authClient.organization.getInvitation({ query: { id: invitationID } }).then(({ data, error }) => {
      if (!live) return;
      if (data) setInvitation(data);
      else if (error) setProblem(toProblem(error));
    });
    return () => {
      live = false;
    };
  }, [invitationID]);

  async function accept() {
    setPending(true);
    setProblem(null);
    const { error } = await authClient.organization.acceptInvitation({ invitationId: invitationID });
    if (error) {
      setPending(false);
      return setProblem(toProblem(error));
    }
    // A full navigation: the server layouts read the new membership.
    window.location.assign(invitation ? `/${invitation.organizationSlug}` : '/');
  }

  async function switchAccount() {
    await authClient.signOut();
    window.location.assign(`/sign-in?next=${encodeURIComponent(`/invite/${invitationID}`)}`);
  }

  const signedInAs = session.data?.user.email;
  const blocked = problem?.kind === 'wrong-account' || problem?.kind === 'gone';

  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-4">
      <Card className="w-full max-w-md">
        <CardHeader>
          <CardTitle className="text-xl">Join organization</CardTitle>
          <CardDescription>
            {invitation ? (
              <>
                {invitation.inviterEmail} invited you to join <span className="font-medium text-foreground">{invitation.organizationName}</span>{' '}
                as {roleLabel(invitation.role) === 'Administrator' ? 'an administrator' : 'a member'}.
              </>
            ) : (
              'You have been invited to join an organization on Spedy.'
            )}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm">
          {signedInAs && (
            <p className="text-muted-foreground">
              Signed in as <span className="font-medium text-foreground">{signedInAs}</span>.
            </p>
          )}
          <FormError>{problem?.message}</FormError>
          {problem?.kind === 'wrong-account' && (
            <p>
              Sign in with the invited address to accept it.{' '}
              <button type="button" className="font-medium underline underline-offset-4" onClick={switchAccount}>
                Sign out and switch account
              </button>
            </p>
          )}
        </CardContent>
        <CardFooter className="flex gap-2">
          {blocked ? (
            <Button variant="outline" asChild>
              <a href="/">Go to Spedy</a>
            </Button>
          ) : (
            <Button onClick={accept} disabled={pending} className="w-full" data-testid="accept-invitation">
              {pending && <Spinner label="Joining" />}
              {pending ? 'Joining…' : 'Accept invitation'}
            </Button>
          )}
        </CardFooter>
      </Card>
    </main>
  );
}
