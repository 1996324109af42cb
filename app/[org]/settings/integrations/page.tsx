import { IntegrationsPageClient } from '@/components/settings/integrations/integrations-page-client';
import { getConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

export default function IntegrationsPage() {
  return <IntegrationsPageClient publicUrl={getConfig().SPEDY_PUBLIC_URL} />;
}
