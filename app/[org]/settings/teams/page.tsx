import { TeamsPageClient } from '@/components/settings/teams/teams-page-client';

export default function RunnerTeamsPage() {
  return <TeamsPageClient />;
}
