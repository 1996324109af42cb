'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { RelativeTime } from '@/components/ui/relative-time';
import { providerLabels } from '@/lib/integrations/providers';
import type { WebhookDeliveryOutcome } from '@/lib/db/review-schema';
import { queries } from '@/zero/queries';
import type { GitIntegration, GitWebhook } from '@/zero/schema.gen';
import { useOrgApi } from '../use-org-api';

const events: Record<'github' | 'bitbucket', string> = {
  github: 'Content type application/json; events: Pull requests, Pull request reviews, Pull request review comments.',
  bitbucket: 'Triggers: Pull request → Changes request created, Comment created, Merged, Declined.',
};

const outcomeVariants: Record<WebhookDeliveryOutcome, 'outline' | 'success' | 'secondary' | 'destructive'> = {
  queued: 'outline',
  processed: 'success',
  ignored: 'secondary',
  error: 'destructive',
};

/**
 * Review webhooks (the review loop): per connected integration, the URL and secret to paste
 * into the host, and its latest deliveries with what became of them, live.
 */
export function ReviewWebhooks({ publicUrl }: { publicUrl: string }) {
  const org = useCurrentOrg();
  const [integrations] = useQuery(queries.runners.gitIntegrations({ orgID: org.id }));
  const [webhooks] = useQuery(queries.reviews.webhooks({ orgID: org.id }));
  const connected = integrations.filter((i) => i.provider === 'github' || i.provider === 'bitbucket');
  if (connected.length === 0) return null;
  return (
    <section className="grid gap-4" aria-labelledby="webhooks-heading">
      <header className="grid gap-1">
        <h2 id="webhooks-heading" className="text-lg font-semibold">
          Review webhooks
        </h2>
        <p className="text-sm text-muted-foreground">
          When a reviewer requests changes on a pull request a runner opened, the runner comes back to revise it (Settings → Runners →
          Settings: Retrigger on review). Hosts that cannot reach this Spedy are polled for new reviews instead.
        </p>
      </header>
      {connected.map((integration) => (
        <WebhookCard key={integration.id} integration={integration} webhook={webhooks.find((w) => w.integrationId === integration.id)} publicUrl={publicUrl} />
      ))}
    </section>
  );
}

function WebhookCard({ integration, webhook, publicUrl }: { integration: GitIntegration; webhook: GitWebhook | undefined; publicUrl: string }) {
  const api = useOrgApi();
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const provider = integration.provider as 'github' | 'bitbucket';
  const url = `${publicUrl.replace(/\/+$/, '')}/api/webhooks/${provider}/${integration.id}`;

  async function generate() {
    setBusy(true);
    const result = await api<{ secret: string }>('POST', `integrations/${integration.id}/webhook-secret`);
    setBusy(false);
    if (!result.ok) return void toast.error(result.error);
    setSecret(result.data.secret);
  }

  return (
    <Card data-testid="review-webhook" data-provider={provider}>
      <CardHeader>
        <CardTitle>{providerLabels[provider]} webhook</CardTitle>
        <CardDescription>{events[provider]}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3 text-sm">
        <dl className="grid grid-cols-[7rem_minmax(0,1fr)] gap-x-3 gap-y-2">
          <dt className="text-muted-foreground">Payload URL</dt>
          <dd>
            <code className="break-all" data-testid="webhook-url">
              {url}
            </code>
          </dd>
          <dt className="text-muted-foreground">Secret</dt>
          <dd className="flex flex-wrap items-center gap-2">
            {secret ? (
              <code className="break-all" data-testid="webhook-secret">
                {secret}
              </code>
            ) : (
              <span className="text-muted-foreground" data-testid="webhook-secret-preview">
                {webhook ? webhook.maskedPreview : 'None yet: deliveries are refused until you generate one.'}
              </span>
            )}
            <Button size="sm" variant="outline" onClick={generate} disabled={busy}>
              {webhook ? 'Regenerate secret' : 'Generate secret'}
            </Button>
          </dd>
        </dl>
        {secret && <p className="text-xs text-muted-foreground">Paste it into the webhook now: it is shown only once.</p>}
        <Deliveries integrationID={integration.id} />
      </CardContent>
    </Card>
  );
}

function Deliveries({ integrationID }: { integrationID: string }) {
  const org = useCurrentOrg();
  const [deliveries] = useQuery(queries.reviews.deliveries({ orgID: org.id, integrationID }));
  if (deliveries.length === 0) return <p className="text-xs text-muted-foreground">No deliveries yet.</p>;
  return (
    <table className="w-full text-xs" data-testid="webhook-deliveries">
      <caption className="sr-only">Latest deliveries</caption>
      <thead className="text-left text-muted-foreground">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">Received</th>
          <th scope="col" className="py-1 pr-3 font-medium">Event</th>
          <th scope="col" className="py-1 pr-3 font-medium">Outcome</th>
          <th scope="col" className="py-1 font-medium">Detail</th>
        </tr>
      </thead>
      <tbody className="divide-y">
        {deliveries.map((d) => (
          <tr key={d.id} data-testid="webhook-delivery" data-outcome={d.outcome} data-delivery={d.deliveryId}>
            <td className="py-1.5 pr-3 whitespace-nowrap">
              <RelativeTime at={d.receivedAt} />
              {d.source === 'poller' && <span className="text-muted-foreground"> (poller)</span>}
            </td>
            <td className="py-1.5 pr-3 font-mono">{d.event}</td>
            <td className="py-1.5 pr-3">
              <Badge variant={outcomeVariants[d.outcome]}>{d.outcome}</Badge>
            </td>
            <td className="py-1.5 text-muted-foreground">{d.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
