import { KnowledgePageClient } from '@/components/settings/knowledge/knowledge-page-client';

export default function KnowledgePage() {
  return <KnowledgePageClient />;
}
