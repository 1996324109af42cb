import { RunnersPageClient } from '@/components/settings/runners/runners-page-client';

export default function RunnersPage() {
  return <RunnersPageClient />;
}
