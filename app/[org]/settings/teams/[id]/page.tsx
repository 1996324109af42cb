import { TeamDetailClient } from '@/components/settings/teams/team-detail-client';

export default async function RunnerTeamPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TeamDetailClient teamID={id} />;
}
