import { MembersPageClient } from '@/components/settings/members/members-page-client';

export default function MembersPage() {
  return <MembersPageClient />;
}
