// Who may create an account. On a localhost install anyone may (each account gets its own
// organization); anywhere else sign-up is by invitation, and the very first account needs
// the one-time setup code that the app server logs while no owner exists.
import type { Config } from '../config.ts';

export type SignUpMode = 'open' | 'invite';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLocalhostUrl(url: string): boolean {
  return loopbackHosts.has(new URL(url).hostname);
}

export function signUpMode(config: Pick<Config, 'SPEDY_SIGNUP' | 'SPEDY_PUBLIC_URL'>): SignUpMode {
  return config.SPEDY_SIGNUP ?? (isLocalhostUrl(config.SPEDY_PUBLIC_URL) ? 'open' : 'invite');
}

/** What a sign-up request carries besides name, email and password. */
export type SignUpCredentials = { setupCode?: string; invitationId?: string };

export type SignUpDecision =
  | { allowed: true; organization: 'personal' | 'none' }
  | { allowed: false; message: string };

/**
 * The rule, without the database: `invitationValid` and `setupCodeValid` are what the
 * caller found for this request.
 */
export function decideSignUp(
  mode: SignUpMode,
  request: SignUpCredentials,
  found: { invitationValid: boolean; setupCodeValid: boolean },
): SignUpDecision {
  if (request.invitationId) {
    if (found.invitationValid) return { allowed: true, organization: mode === 'open' ? 'personal' : 'none' };
    if (mode === 'invite') return { allowed: false, message: 'This invitation is not valid for this email address (it may have expired or been used). Ask for a new one.' };
  }
  if (mode === 'open') return { allowed: true, organization: 'personal' };
  if (request.setupCode) {
    if (found.setupCodeValid) return { allowed: true, organization: 'personal' };
    return { allowed: false, message: 'That setup code is not valid (each code works once). The app server prints a new one at start while no owner exists.' };
  }
  return { allowed: false, message: 'Sign-up is by invitation on this Spedy. Ask an administrator for an invitation link.' };
}
