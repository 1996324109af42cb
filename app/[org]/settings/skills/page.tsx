import { SkillsPageClient } from '@/components/settings/skills/skills-page-client';

export default function SkillsPage() {
  return <SkillsPageClient />;
}
