'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Info } from 'lucide-react';
import Link from 'next/link';
import { useCurrentOrg } from '@/components/shell/org-context';
import { legacyRebuildSupervisorCommand, rebuildSupervisorCommand } from '@/lib/runners/bundle-commands';
import { anthropicEnvName } from '@/lib/secrets/entry-input';
import { queries } from '@/zero/queries';

/** For organizations whose runners connected before the vault: hides once ANTHROPIC_API_KEY is stored. */
export function MigrationBanner() {
  const org = useCurrentOrg();
  const [runners, runnersResult] = useQuery(queries.runners.list({ orgID: org.id }));
  const [entries, entriesResult] = useQuery(queries.runners.vaultEntries({ orgID: org.id }));
  const loaded = runnersResult.type === 'complete' && entriesResult.type === 'complete';
  if (!loaded || runners.length === 0 || entries.some((e) => e.name === anthropicEnvName)) return null;
  return (
    <div className="flex gap-3 rounded-lg border border-warning/40 bg-warning/5 p-4 text-sm" role="status" data-testid="migration-banner">
      <Info className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
      <div className="grid gap-2">
        <p className="font-medium">Your runners now fetch their secrets from Spedy. Two steps to finish:</p>
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            Store your Anthropic API key under{' '}
            <Link className="underline underline-offset-2" href={`/${org.slug}/settings/runners?tab=secrets`}>
              Secrets
            </Link>
            .
          </li>
          <li>
            Rebuild and restart the supervisor once, in the folder where <code className="rounded bg-muted px-1 py-0.5 text-xs">setup.sh</code> wrote its{' '}
            <code className="rounded bg-muted px-1 py-0.5 text-xs">docker-compose.yml</code>:{' '}
            <code className="rounded bg-muted px-1 py-0.5 text-xs" data-testid="migration-command">
              {rebuildSupervisorCommand}
            </code>{' '}
            (Debian&apos;s docker-compose 1.29: <code className="rounded bg-muted px-1 py-0.5 text-xs">{legacyRebuildSupervisorCommand}</code>)
          </li>
        </ol>
      </div>
    </div>
  );
}
