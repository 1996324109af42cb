'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ExternalLink, GitBranch, GitPullRequest } from 'lucide-react';
import Link from 'next/link';
import { useId, useState } from 'react';
import { useCanSteer } from '@/components/jobs/use-can-steer';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { branchUrl } from '@/lib/epics/layout';
import { epicNodeStatusLabels, epicRunStatusLabels, isActiveEpicRun, mayContinue, type EpicNodeStatus, type EpicRunStatus } from '@/lib/epics/status';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { EpicRunGraph } from './epic-run-graph';

const runVariant: Record<EpicRunStatus, 'default' | 'secondary' | 'destructive' | 'success' | 'warning'> = {
  running: 'default',
  paused: 'warning',
  completed: 'success',
  failed: 'destructive',
  cancelled: 'secondary',
};
const nodeVariant: Record<EpicNodeStatus, 'default' | 'secondary' | 'destructive' | 'success' | 'warning' | 'outline'> = {
  pending: 'outline',
  running: 'default',
  completed: 'success',
  failed: 'destructive',
  skipped: 'secondary',
  cancelled: 'warning',
};
const money = (usd: number) => `$${usd.toFixed(2)}`;

/** The Epic Run Panel (spec): the run's status, every ticket's status, wave, cost and job, the graph, the branch and the PRs, live. */
export function EpicRunPanel({ epicID, project }: { epicID: string; project: { id: string; key: string } }) {
  const org = useCurrentOrg();
  const canSteer = useCanSteer();
  const mutate = useMutate();
  const [run] = useQuery(queries.epics.run({ orgID: org.id, epicTicketID: epicID }));
  const [repositories] = useQuery(queries.teams.projectRepositories({ orgID: org.id, projectID: project.id }));
  if (!run) {
    return (
      <section className="grid gap-2" aria-labelledby="epic-run-heading" data-testid="epic-run-panel" data-status="none">
        <h2 id="epic-run-heading" className="text-sm font-medium text-muted-foreground">
          Epic run
        </h2>
        <p className="text-sm text-muted-foreground">
          Choose a runner team, or move the Epic into its team’s working status, to run every story and task under it in dependency order on one branch.
        </p>
      </section>
    );
  }
  const label = (n: (typeof run.nodes)[number]) => formatDisplayId(project.key, n.ticket?.number);
  // Columns with database defaults read as nullable through Zero.
  const nodes = run.nodes.map((n) => ({ ...n, label: label(n), dependsOn: n.dependsOn ?? [], costUsd: n.costUsd ?? 0 }));
  const costUsd = run.costUsd ?? 0;
  const runID = run.id;
  const active = isActiveEpicRun(run.status);
  return (
    <section className="grid gap-3" aria-labelledby="epic-run-heading" data-testid="epic-run-panel" data-status={run.status}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="epic-run-heading" className="text-sm font-medium text-muted-foreground">
          Epic run
        </h2>
        <Badge variant={runVariant[run.status]} data-testid="epic-run-status">
          {epicRunStatusLabels[run.status]}
        </Badge>
        <span className="text-xs text-muted-foreground" data-testid="epic-run-cost">
          {money(costUsd)}
          {run.budgetUsd !== null && ` of ${money(run.budgetUsd)}`}
        </span>
        {canSteer && (
          <div className="ml-auto flex flex-wrap gap-1.5">
            {active && <RaiseBudget runID={runID} budgetUsd={run.budgetUsd} costUsd={costUsd} />}
            {mayContinue(run.status) && (
              <Button size="sm" variant="outline" onClick={() => void mutate(mutators.epicRun.continue({ runID }))} data-testid="epic-run-continue">
                Continue
              </Button>
            )}
            <ConfirmDialog
              trigger={
                <Button size="sm" variant="outline" data-testid="epic-run-restart">
                  Restart
                </Button>
              }
              title="Restart the epic run?"
              description="The epic branch is reset to each repository’s base branch, running sub-runs are cancelled and every ticket runs again, completed ones too."
              confirmLabel="Restart"
              onConfirm={async () => void (await mutate(mutators.epicRun.restart({ runID })))}
            />
            {active && (
              <Button size="sm" variant="outline" onClick={() => void mutate(mutators.epicRun.cancel({ runID }))} data-testid="epic-run-cancel">
                Cancel
              </Button>
            )}
          </div>
        )}
      </div>
      {run.statusReason && (
        <p className="text-sm" data-testid="epic-run-reason">
          {run.statusReason}
        </p>
      )}
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {repositories.map((repo) => (
          <a key={repo.id} href={branchUrl(repo, run.branch)} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 hover:underline" data-testid="epic-branch-link">
            <GitBranch className="size-3.5" aria-hidden /> {repo.fullName}: {run.branch}
          </a>
        ))}
        {repositories.length === 0 && (
          <span className="inline-flex items-center gap-1 text-muted-foreground">
            <GitBranch className="size-3.5" aria-hidden /> {run.branch}
          </span>
        )}
        {(run.pullRequests ?? []).map((pr) => (
          <a key={pr.url} href={pr.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 hover:underline" data-testid="epic-pr-link">
            <GitPullRequest className="size-3.5" aria-hidden /> {pr.repository}#{pr.number}
          </a>
        ))}
      </div>
      {nodes.length > 0 && <EpicRunGraph nodes={nodes.map((n) => ({ ticketId: n.ticketId, label: n.label, wave: n.wave, dependsOn: n.dependsOn, status: n.status }))} />}
      <table className="w-full text-sm" data-testid="epic-run-nodes">
        <thead className="text-left text-xs text-muted-foreground">
          <tr>
            <th className="py-1 font-medium">Ticket</th>
            <th className="py-1 font-medium">Status</th>
            <th className="py-1 font-medium">Wave</th>
            <th className="py-1 text-right font-medium">Cost</th>
            <th className="py-1" />
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.ticketId} className="border-t" data-testid="epic-run-node" data-ticket={n.label} data-status={n.status}>
              <td className="py-1.5 pr-2">
                <Link href={`/${org.slug}/tickets/${n.label}`} className="font-mono hover:underline">
                  {n.label}
                </Link>{' '}
                <span className="text-muted-foreground">{n.ticket?.title}</span>
                {n.skipReason && <div className="text-xs text-muted-foreground">{n.skipReason}</div>}
              </td>
              <td className="py-1.5 pr-2">
                <Badge variant={nodeVariant[n.status]}>{epicNodeStatusLabels[n.status]}</Badge>
              </td>
              <td className="py-1.5 pr-2 tabular-nums">{n.wave + 1}</td>
              <td className="py-1.5 pr-2 text-right font-mono tabular-nums">{money(n.costUsd + (n.status === 'running' ? (n.job?.usage?.costUsd ?? 0) : 0))}</td>
              <td className="py-1.5 text-right whitespace-nowrap">
                {n.jobId && (
                  <Link href={`/${org.slug}/jobs/${n.jobId}`} className="inline-flex items-center gap-0.5 text-xs hover:underline" data-testid="epic-node-job">
                    Job <ExternalLink className="size-3" aria-hidden />
                  </Link>
                )}
                {canSteer && (n.status === 'failed' || n.status === 'cancelled') && (
                  <Button size="sm" variant="ghost" className="h-6 px-2" onClick={() => void mutate(mutators.epicRun.retry({ runID, ticketID: n.ticketId }))} data-testid="epic-node-retry">
                    Retry
                  </Button>
                )}
                {canSteer && (n.status === 'failed' || n.status === 'cancelled' || (n.status === 'pending' && run.status !== 'running')) && (
                  <Button size="sm" variant="ghost" className="h-6 px-2" onClick={() => void mutate(mutators.epicRun.skip({ runID, ticketID: n.ticketId }))} data-testid="epic-node-skip">
                    Skip
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RaiseBudget({ runID, budgetUsd, costUsd }: { runID: string; budgetUsd: number | null; costUsd: number }) {
  const mutate = useMutate();
  const id = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <FormDialog
      trigger={
        <Button size="sm" variant="outline" data-testid="epic-run-raise-budget">
          Raise budget
        </Button>
      }
      title="The run’s budget"
      description={`Spent so far: ${money(costUsd)}${budgetUsd !== null ? ` of ${money(budgetUsd)}` : ''}. At its budget the run dispatches nothing new and pauses.`}
      onSubmit={async (_event, close) => {
        const budget = Number(value);
        if (!Number.isFinite(budget) || budget <= costUsd) return setError(`Set a budget above ${money(costUsd)}.`);
        setPending(true);
        const failure = await mutate(mutators.epicRun.setBudget({ runID, budgetUsd: budget }));
        setPending(false);
        if (failure) return setError(failure);
        close();
      }}
      onReset={() => {
        setValue('');
        setError(null);
      }}
      error={error}
      pending={pending}
      submitLabel="Save budget"
      pendingLabel="Saving…"
      testId="epic-run-budget-form"
      noValidate
    >
      <div className="grid gap-2">
        <Label htmlFor={`${id}-budget`}>Budget (USD)</Label>
        <Input id={`${id}-budget`} type="number" inputMode="decimal" min={0} step="0.01" value={value} onChange={(e) => setValue(e.target.value)} data-testid="epic-run-budget" />
      </div>
    </FormDialog>
  );
}
