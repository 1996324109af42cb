'use client';
import { useQuery } from '@rocicorp/zero/react';
import { KeyRound } from 'lucide-react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import type { RunnerToken } from '@/zero/schema.gen';
import { RelativeTime, useNow } from '@/components/ui/relative-time';
import { CreateTokenDialog, type CreatedToken } from './create-token-dialog';
import { TokenCreatedPanel } from './token-created-panel';
import { SettingsTable } from '@/components/settings/settings-table';

function TokenState({ token, now }: { token: RunnerToken; now: number }) {
  if (token.revokedAt != null) return <Badge variant="destructive">Revoked</Badge>;
  if (token.expiresAt != null && token.expiresAt <= now) return <Badge variant="warning">Expired</Badge>;
  return <Badge variant="success">Active</Badge>;
}

/** `created` is held by the page, so switching tabs does not lose a token that has not been copied yet. */
export function RunnerTokens({ created, onCreatedChange }: { created: CreatedToken | null; onCreatedChange: (token: CreatedToken | null) => void }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const now = useNow();
  const [tokens, { type }] = useQuery(queries.runners.tokens({ orgID: org.id }));
  const [runners] = useQuery(queries.runners.list({ orgID: org.id }));
  const runnerName = new Map(runners.map((r) => [r.id, r.name]));

  return (
    <section className="grid gap-3" aria-labelledby="tokens-title">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="tokens-title" className="font-semibold">
            Runner tokens
          </h2>
          <p className="text-sm text-muted-foreground">
            A supervisor authenticates with a token. Spedy keeps only its hash: you see a token once, when you create it.
          </p>
        </div>
        <CreateTokenDialog runners={runners} onCreated={onCreatedChange} />
      </div>

      {created && <TokenCreatedPanel created={created} onDismiss={() => onCreatedChange(null)} />}

      {tokens.length === 0 && type !== 'complete' ? (
        <Skeleton className="h-24" aria-label="Loading tokens" />
      ) : tokens.length === 0 ? (
        <EmptyState icon={KeyRound} title="No runner tokens yet" description="Create one for each machine or server that runs a supervisor." />
      ) : (
        <SettingsTable caption="Runner tokens" columns={['Name', 'Token', 'Created', 'Expires', 'Last used', 'Scope', 'State']}>
          {tokens.map((t) => (
            <tr key={t.id} data-testid="token-row" data-token={t.name}>
              <td className="px-3 py-2 font-medium">{t.name}</td>
              <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
              <td className="px-3 py-2"><RelativeTime at={t.createdAt} /></td>
              <td className="px-3 py-2"><RelativeTime at={t.expiresAt} fallback="Never" /></td>
              <td className="px-3 py-2"><RelativeTime at={t.lastUsedAt} fallback="Never" /></td>
              <td className="px-3 py-2">{t.runnerId ? (runnerName.get(t.runnerId) ?? 'One runner') : <span className="text-muted-foreground">Any runner</span>}</td>
              <td className="px-3 py-2"><TokenState token={t} now={now} /></td>
              <td className="px-3 py-2 text-right">
                {t.revokedAt == null && (
                  <ConfirmDialog
                    trigger={<Button variant="ghost" size="sm">Revoke</Button>}
                    title={`Revoke ${t.name}?`}
                    description="Runners using this token are refused on their very next request. This cannot be undone; create a new token to reconnect them."
                    confirmLabel="Revoke token"
                    onConfirm={() => mutate(mutators.runnerToken.revoke({ id: t.id }))}
                  />
                )}
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
    </section>
  );
}
