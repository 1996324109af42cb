'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Server, Trash2 } from 'lucide-react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { RelativeTime } from '@/components/ui/relative-time';
import type { CreatedToken } from './create-token-dialog';
import { ActiveRunners } from './active-runners';
import { BundleDownload } from './bundle-download';
import { MigrationBanner } from './migration-banner';
import { RunnerTokens } from './runner-tokens';
import { RunnerImageLine } from '@/components/jobs/runner-image-line';
import { RunnerAiBackend } from './runner-ai-backend';
import { ScriptedModelBadge } from '@/components/jobs/scripted-model-badge';
import { SettingsTable } from '@/components/settings/settings-table';
import { holdsPoolSlot, type JobStatus } from '@spedy/protocol/job-status';

/**
 * Active Runners, the connected runners and (for those who manage runners) their tokens.
 * Members see the runners without tokens or Delete; the server refuses both to them anyway.
 */
export function RunnersTab(props: { canManage: boolean; createdToken: CreatedToken | null; onCreatedTokenChange: (token: CreatedToken | null) => void }) {
  return (
    <div className="grid gap-8">
      {props.canManage && <MigrationBanner />}
      <ActiveRunners />
      <RunnerList canManage={props.canManage} />
      {props.canManage && <RunnerTokens created={props.createdToken} onCreatedChange={props.onCreatedTokenChange} />}
    </div>
  );
}

function RunnerList({ canManage }: { canManage: boolean }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [runners, { type }] = useQuery(queries.runners.list({ orgID: org.id }));

  return (
    <section className="grid gap-3" aria-labelledby="runners-title">
      <div>
        <h2 id="runners-title" className="font-semibold">
          Connected runners
        </h2>
        <p className="text-sm text-muted-foreground">Updates live: a runner without a heartbeat turns Offline and its active jobs fail.</p>
      </div>
      {runners.length === 0 && type !== 'complete' ? (
        <div className="grid gap-2" aria-busy="true" aria-label="Loading runners">
          <Skeleton className="h-14" />
          <Skeleton className="h-14" />
        </div>
      ) : runners.length === 0 ? (
        <EmptyState
          icon={Server}
          title="No runner has connected yet"
          description={
            canManage ? (
              <>
                Download the Spedy Supervisor, unpack it on the machine or server with Docker, create a runner token below and run{' '}
              <code>./setup.sh</code> (it asks for the API URL and the token), then <code>docker compose up -d</code> (Debian&apos;s
              docker-compose: <code>COMPOSE_DOCKER_CLI_BUILD=0 docker-compose up -d</code>). The runner appears here with a green
              Online badge.
              </>
            ) : (
              'An administrator installs the Spedy Supervisor on a machine with Docker; its runner appears here with a green Online badge.'
            )
          }
          action={canManage ? <BundleDownload /> : undefined}
          data-testid="runners-empty"
        />
      ) : (
        <SettingsTable caption="Runners of the organization" columns={['Runner', 'Status', 'Capabilities and labels', 'Jobs', 'Last heartbeat']}>
          {runners.map((r) => (
            <tr key={r.id} data-testid="runner-row" data-runner={r.name}>
              <td className="px-3 py-2">
                <div className="font-medium">
                  {r.name} <ScriptedModelBadge runner={r} />
                </div>
                <div className="text-xs text-muted-foreground">
                  v{r.version} · pool of {r.poolSize} · <RunnerAiBackend aiBackend={r.aiBackend} />
                </div>
              </td>
              <td className="px-3 py-2">
                {r.status === 'online' ? (
                  <Badge variant="success" data-testid="runner-status">Online</Badge>
                ) : (
                  <Badge variant="secondary" data-testid="runner-status">Offline</Badge>
                )}
                {/* Ready is the normal case and says nothing; an Offline runner prepares nothing. */}
                {r.status === 'online' && r.imageStatus && r.imageStatus.state !== 'ready' && (
                  <div className="mt-1 max-w-64">
                    <RunnerImageLine status={r.imageStatus} />
                  </div>
                )}
              </td>
              <td className="px-3 py-2">
                <div className="flex max-w-72 flex-wrap gap-1">
                  {r.capabilities.map((c) => (
                    <Badge key={`c-${c}`} variant="outline" title="Capability">{c}</Badge>
                  ))}
                  {r.labels.map((l) => (
                    <Badge key={`l-${l}`} variant="secondary" title="Label">{l}</Badge>
                  ))}
                  {r.capabilities.length + r.labels.length === 0 && <span className="text-muted-foreground">—</span>}
                </div>
              </td>
              <td className="px-3 py-2 whitespace-nowrap" data-testid="runner-active-jobs">
                {runnerLoad(r.jobs)}
              </td>
              <td className="px-3 py-2">
                <RelativeTime at={r.lastHeartbeatAt} />
              </td>
              <td className="px-3 py-2 text-right">
                {canManage && (
                <ConfirmDialog
                  trigger={
                    <Button variant="ghost" size="icon" aria-label={`Delete runner ${r.name}`}>
                      <Trash2 />
                    </Button>
                  }
                  title={`Delete runner ${r.name}?`}
                  description={
                    r.status === 'online'
                      ? 'It is online: while its token is valid, the supervisor registers again on its next start. Revoke the token to keep it out.'
                      : 'It disappears from this list. Its token stays valid until you revoke it.'
                  }
                  confirmLabel="Delete runner"
                  onConfirm={() => mutate(mutators.runner.delete({ id: r.id }))}
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

/** "2 running · 1 waiting": jobs waiting for a person or a slot take none of the runner's pool. */
function runnerLoad(jobs: readonly { status: string }[]): string {
  const running = jobs.filter((j) => holdsPoolSlot(j.status as JobStatus)).length;
  const waiting = jobs.length - running;
  return waiting > 0 ? `${running} running · ${waiting} waiting` : `${running} running`;
}
