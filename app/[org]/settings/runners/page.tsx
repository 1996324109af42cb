import { RunnersPageClient } from '@/components/settings/runners-page-client';

export default function RunnersPage() {
  return <RunnersPageClient />;
}
