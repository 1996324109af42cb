import { MembersPageClient } from '@/components/members/members-page-client';

export default function MembersPage() {
  return <MembersPageClient />;
}
