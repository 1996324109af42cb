import { TeamsPageClient } from '@/components/teams/teams-page-client';

export default function RunnerTeamsPage() {
  return <TeamsPageClient />;
}
