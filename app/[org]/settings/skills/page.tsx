import { SkillsPageClient } from '@/components/skills/skills-page-client';

export default function SkillsPage() {
  return <SkillsPageClient />;
}
