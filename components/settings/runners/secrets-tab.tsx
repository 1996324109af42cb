'use client';
import { useQuery } from '@rocicorp/zero/react';
import { KeySquare, Plus } from 'lucide-react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { DeleteRowButton, EditRowButton } from '@/components/settings/row-actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { RelativeTime } from '@/components/ui/relative-time';
import { CostReminder } from './cost-reminder';
import { SecretDialog } from './secret-dialog';
import { SettingsTable } from '@/components/settings/settings-table';

export function SecretsTab() {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [entries, { type }] = useQuery(queries.runners.vaultEntries({ orgID: org.id }));
  const addButton = (
    <Button>
      <Plus aria-hidden /> Add secret
    </Button>
  );

  return (
    <section className="grid gap-5" aria-labelledby="secrets-title">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="secrets-title" className="font-semibold">
            Secrets
          </h2>
          <p className="max-w-prose text-sm text-muted-foreground">
            Runners fetch these at startup and every 15 minutes, hold them in memory and pass them to jobs as environment variables.
            GitHub and Bitbucket tokens come from Settings → Integrations.
          </p>
        </div>
        <SecretDialog trigger={addButton} />
      </div>
      <CostReminder />
      {entries.length === 0 && type !== 'complete' ? (
        <div className="grid gap-2" aria-busy="true" aria-label="Loading secrets">
          <Skeleton className="h-12" />
          <Skeleton className="h-12" />
        </div>
      ) : entries.length === 0 ? (
        <EmptyState
          icon={KeySquare}
          title="No secrets yet"
          description="Add your Anthropic API key with the Anthropic (Claude) preset, unless your supervisor uses Local Claude."
          data-testid="secrets-empty"
        />
      ) : (
        <SettingsTable caption="Runner secrets" columns={['Name', 'Value', 'Last rotated']}>
          {entries.map((e) => (
            <tr key={e.id} data-testid="secret-row" data-secret={e.name}>
              <td className="px-3 py-2">
                <div className="flex items-center gap-2">
                  <span className="font-mono text-xs font-medium">{e.name}</span>
                  <Badge variant={e.kind === 'anthropic' ? 'default' : 'outline'}>{e.kind === 'anthropic' ? 'Anthropic (Claude)' : 'Custom'}</Badge>
                </div>
              </td>
              <td className="px-3 py-2 font-mono text-xs text-muted-foreground" data-testid="secret-preview">
                {e.maskedPreview}
              </td>
              <td className="px-3 py-2" data-testid="secret-rotated">
                <RelativeTime at={e.rotatedAt} />
              </td>
              <td className="px-3 py-2">
                <div className="flex justify-end gap-1">
                  <SecretDialog
                    rotate={{ name: e.name, kind: e.kind }}
                    trigger={<EditRowButton name={e.name} />}
                  />
                  <DeleteRowButton
                    name={e.name}
                    description="Runners lose it on their next bootstrap (within 15 minutes). Jobs that need it will fail."
                    confirmLabel="Delete secret"
                    onConfirm={() => mutate(mutators.vaultEntry.delete({ id: e.id }))}
                  />
                </div>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
    </section>
  );
}
