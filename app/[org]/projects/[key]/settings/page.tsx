import { ProjectSettingsClient } from '@/components/settings/build-validate/project-settings-client';

export default async function ProjectSettingsPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <ProjectSettingsClient projectKey={key} />;
}
