'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Skeleton } from '@/components/ui/skeleton';
import { can } from '@/lib/auth/permissions';
import { gitProviders } from '@/lib/integrations/providers';
import { queries } from '@/zero/queries';
import { AdminOnly } from '../admin-only';
import { IntegrationCard } from './integration-card';
import { ReviewWebhooks } from './review-webhooks';

export function IntegrationsPageClient({ publicUrl }: { publicUrl: string }) {
  const org = useCurrentOrg();
  const allowed = can(org.role, 'integrations:manage');
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto grid w-full max-w-4xl gap-6 px-6 py-8">
        <header className="grid gap-1">
          <h1 className="text-2xl font-semibold">Integrations</h1>
          <p className="text-sm text-muted-foreground">
            Runners reuse these tokens to clone repositories, push branches and open pull requests; they receive them with their
            secrets at startup. Tokens are encrypted at rest and never shown again.
          </p>
        </header>
        {allowed ? <IntegrationCards /> : <AdminOnly permission="integrations:manage" />}
        {allowed && <ReviewWebhooks publicUrl={publicUrl} />}
      </div>
    </div>
  );
}

function IntegrationCards() {
  const org = useCurrentOrg();
  const [integrations, { type }] = useQuery(queries.runners.gitIntegrations({ orgID: org.id }));
  if (integrations.length === 0 && type !== 'complete') {
    return (
      <div className="grid gap-4" aria-busy="true" aria-label="Loading integrations">
        <Skeleton className="h-48" />
        <Skeleton className="h-48" />
      </div>
    );
  }
  return (
    <div className="grid gap-4">
      {gitProviders.map((provider) => (
        <IntegrationCard key={provider} provider={provider} integration={integrations.find((i) => i.provider === provider)} />
      ))}
    </div>
  );
}
