import { IntegrationsPageClient } from '@/components/settings/integrations/integrations-page-client';

export default function IntegrationsPage() {
  return <IntegrationsPageClient />;
}
