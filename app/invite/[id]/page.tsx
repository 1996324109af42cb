import { AcceptInvitationClient } from '@/components/settings/members/accept-invitation-client';

/** proxy.ts sends visitors without a session to /sign-in?next=/invite/<id> first. */
export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AcceptInvitationClient invitationID={id} />;
}
