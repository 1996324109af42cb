import { ProjectsPageClient } from '@/components/projects/projects-page-client';

export default function OrgHomePage() {
  return <ProjectsPageClient />;
}
