'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { safeRedirectPath } from '@/lib/auth/redirect';
import { Suspense, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { authClient } from '@/lib/auth/auth-client';
import { invitationHeader, setupCodeHeader } from '@/lib/auth/sign-up-headers';

type Mode = 'sign-in' | 'sign-up';
/** How this install lets people sign up (app/(auth)/sign-up/page.tsx decides). */
export type SignUpGate = { inviteOnly: boolean; setupCodeRequired: boolean };

const invitationPath = /^\/invite\/([^/?#]+)/;

function AuthFormInner({ mode, gate }: { mode: Mode; gate?: SignUpGate }) {
  const params = useSearchParams();
  const next = safeRedirectPath(params.get('next'));
  const invitationId = invitationPath.exec(next)?.[1];
  const askSetupCode = mode === 'sign-up' && gate?.inviteOnly && gate.setupCodeRequired && !invitationId;
  const closed = mode === 'sign-up' && gate?.inviteOnly && !gate.setupCodeRequired && !invitationId;
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setPending(true);
    setError(null);
    const result =
      mode === 'sign-in'
        ? await authClient.signIn.email({ email, password })
        : await authClient.signUp.email(
            { email, password, name: String(form.get('name') ?? '').trim() || email.split('@')[0] },
            { headers: signUpHeaders(String(form.get('setupCode') ?? '').trim(), invitationId) },
          );
    if (result.error) {
      setPending(false);
      setError(result.error.message ?? 'That did not work. Check the fields and try again.');
      return;
    }
    // A full navigation so server components read the new session cookie.
    window.location.assign(next);
  }

  const other = mode === 'sign-in' ? '/sign-up' : '/sign-in';
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-4">
      <Card className="w-full max-w-sm">
        <form onSubmit={onSubmit} noValidate={false}>
          <CardHeader>
            <CardTitle className="text-xl">{mode === 'sign-in' ? 'Sign in to Spedy' : 'Create your Spedy account'}</CardTitle>
            <CardDescription>
              {mode === 'sign-in'
                ? 'Welcome back.'
                : invitationId
                  ? 'Create your account to join the organization that invited you.'
                  : askSetupCode
                    ? 'The first account owns this Spedy. Enter the setup code that the server printed at start.'
                    : closed
                      ? 'Sign-up is by invitation on this Spedy. Ask an administrator for an invitation link.'
                      : 'You get an organization of your own; invite your team from it.'}
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {mode === 'sign-up' && (
              <div className="grid gap-1.5">
                <Label htmlFor="name">Name</Label>
                <Input id="name" name="name" autoComplete="name" required maxLength={80} />
              </div>
            )}
            <div className="grid gap-1.5">
              <Label htmlFor="email">Email</Label>
              <Input id="email" name="email" type="email" autoComplete="email" required />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="password">Password</Label>
              <Input
                id="password"
                name="password"
                type="password"
                autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
                minLength={8}
                required
              />
            </div>
            {askSetupCode && (
              <div className="grid gap-1.5">
                <Label htmlFor="setupCode">Setup code</Label>
                <Input id="setupCode" name="setupCode" autoComplete="off" spellCheck={false} required placeholder="XXXXX-XXXXX-XXXXX-XXXXX" />
              </div>
            )}
            <FormError>{error}</FormError>
          </CardContent>
          <CardFooter className="flex flex-col gap-3">
            <Button type="submit" className="w-full" disabled={pending || closed}>
              {pending ? 'Please wait…' : mode === 'sign-in' ? 'Sign in' : 'Sign up'}
            </Button>
            <p className="text-sm text-muted-foreground">
              {mode === 'sign-in' ? 'New here? ' : 'Already have an account? '}
              <Link className="underline" href={`${other}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
                {mode === 'sign-in' ? 'Create an account' : 'Sign in'}
              </Link>
            </p>
          </CardFooter>
        </form>
      </Card>
    </main>
  );
}

function signUpHeaders(setupCode: string, invitationId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (setupCode) headers[setupCodeHeader] = setupCode;
  if (invitationId) headers[invitationHeader] = invitationId;
  return headers;
}

export function AuthForm({ mode, gate }: { mode: Mode; gate?: SignUpGate }) {
  return (
    <Suspense>
      <AuthFormInner mode={mode} gate={gate} />
    </Suspense>
  );
}
