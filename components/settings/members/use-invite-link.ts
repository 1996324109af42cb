'use client';
import { useCallback, useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * Invitation links are shared by hand (no mail server is assumed), so they are built
 * from the address the administrator is using. Empty on the server render.
 */
export function useInviteLink(): (invitationID: string) => string {
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => '');
  return useCallback((invitationID: string) => `${origin}/invite/${invitationID}`, [origin]);
}
