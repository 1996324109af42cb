'use client';
import { CircleCheck, CircleX, Minus } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { Switch } from '@/components/ui/switch';
import {
  bitbucketScopes,
  githubPermissions,
  permissionLabel,
  providerLabels,
  retiredTokenKinds,
  tokenKindLabels,
  type GitProvider,
  type IntegrationTestResult,
} from '@/lib/integrations/providers';
import { mutators } from '@/zero/mutators';
import type { GitIntegration } from '@/zero/schema.gen';
import { RelativeTime } from '@/components/ui/relative-time';
import { useOrgApi } from '../use-org-api';
import { ConnectForm } from './connect-form';

const descriptions: Record<GitProvider, string> = {
  github:
    'A fine-grained personal access token, or a GitHub App (App ID, installation ID and private key: Spedy mints a fresh installation token for every job), scoped to the repositories the runner should touch.',
  bitbucket: 'An API token with the Repositories: Write and Pull requests: Write scopes, and the email of the Atlassian account it belongs to.',
};

function PermissionTable({ provider, result }: { provider: GitProvider; result: IntegrationTestResult | null }) {
  const rows = provider === 'github' ? githubPermissions : bitbucketScopes;
  const missing = new Set(result?.missing ?? []);
  // A result that failed before checking permissions (bad token, unreachable) says nothing about them.
  const checked = result != null && (result.ok || missing.size > 0);
  return (
    <table className="w-full text-sm" data-testid="permission-table">
      <caption className="sr-only">Permissions the runner needs</caption>
      <thead className="text-left text-xs text-muted-foreground">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">Permission</th>
          <th scope="col" className="py-1 pr-3 font-medium">Access</th>
          <th scope="col" className="py-1 pr-3 font-medium">Why</th>
          <th scope="col" className="py-1 font-medium">Token</th>
        </tr>
      </thead>
      <tbody className="divide-y">
        {rows.map((p) => {
          const lacks = missing.has(permissionLabel(p));
          return (
            <tr key={p.key} data-testid="permission-row" data-permission={p.name} data-missing={lacks}>
              <td className="py-1.5 pr-3 font-medium">{p.name}</td>
              <td className="py-1.5 pr-3">{p.access}</td>
              <td className="py-1.5 pr-3 text-muted-foreground">{p.why}</td>
              <td className="py-1.5 whitespace-nowrap">
                {!checked ? (
                  <span className="inline-flex items-center gap-1 text-muted-foreground"><Minus className="size-4" aria-hidden /> Not checked</span>
                ) : lacks ? (
                  <span className="inline-flex items-center gap-1 text-destructive"><CircleX className="size-4" aria-hidden /> Missing</span>
                ) : (
                  <span className="inline-flex items-center gap-1 text-success"><CircleCheck className="size-4" aria-hidden /> Granted</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function TestResultView({ integration }: { integration: GitIntegration }) {
  const result = integration.lastTestResult;
  if (!result) return <p className="text-sm text-muted-foreground">Not tested since the token was saved.</p>;
  return (
    <div
      role="status"
      data-testid="test-result"
      data-ok={result.ok}
      className={result.ok ? 'rounded-md border border-success/40 bg-success/5 p-3 text-sm' : 'rounded-md border border-destructive/40 bg-destructive/5 p-3 text-sm'}
    >
      <p className="flex items-start gap-2">
        {result.ok ? <CircleCheck className="mt-0.5 size-4 shrink-0 text-success" aria-hidden /> : <CircleX className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />}
        <span>
          {result.message}{' '}
          <span className="text-muted-foreground">
            (tested <RelativeTime at={integration.lastTestedAt} />)
          </span>
        </span>
      </p>
      {result.missing.length > 0 && (
        <p className="mt-1 pl-6">
          Missing: <span className="font-medium" data-testid="missing-permissions">{result.missing.join(', ')}</span>
        </p>
      )}
    </div>
  );
}

export function IntegrationCard({ provider, integration }: { provider: GitProvider; integration: GitIntegration | undefined }) {
  const api = useOrgApi();
  const mutate = useMutate();
  const [replacing, setReplacing] = useState(false);
  const [testing, setTesting] = useState(false);
  const label = providerLabels[provider];

  async function test(id: string) {
    setTesting(true);
    const tested = await api<{ result: IntegrationTestResult }>('POST', `integrations/${encodeURIComponent(id)}/test`);
    setTesting(false);
    if (!tested.ok) toast.error(tested.error);
  }

  return (
    <Card data-testid={`integration-${provider}`} aria-labelledby={`integration-${provider}-title`}>
      <CardHeader>
        <CardTitle id={`integration-${provider}-title`} className="flex items-center gap-2">
          {label}
          {!integration ? (
            <Badge variant="outline">Not connected</Badge>
          ) : integration.active ? (
            <Badge variant="success">Active</Badge>
          ) : (
            <Badge variant="secondary">Inactive</Badge>
          )}
        </CardTitle>
        <CardDescription>{descriptions[provider]}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-5">
        {!integration || replacing ? (
          <ConnectForm provider={provider} current={integration} onDone={integration ? () => setReplacing(false) : undefined} />
        ) : (
          <>
            {retiredTokenKinds[integration.tokenKind] && (
              <p role="alert" data-testid="retired-credential" className="rounded-md border border-warning/40 bg-warning/5 p-3 text-sm">
                {retiredTokenKinds[integration.tokenKind]} Until you do, jobs on {label} repositories are refused before their agent runs.
              </p>
            )}
            <dl className="grid gap-3 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-xs text-muted-foreground">{integration.tokenKind === 'github_app' ? 'GitHub App' : 'Token'}</dt>
                <dd>
                  <span className="font-mono text-xs" data-testid="integration-preview">{integration.maskedPreview}</span>{' '}
                  <span className="text-muted-foreground">· {tokenKindLabels[integration.tokenKind]}</span>
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">API URL</dt>
                <dd className="truncate font-mono text-xs">{integration.apiUrl}</dd>
              </div>
              {integration.username && (
                <div>
                  <dt className="text-xs text-muted-foreground">Username</dt>
                  <dd>{integration.username}</dd>
                </div>
              )}
              {integration.accountEmail && (
                <div>
                  <dt className="text-xs text-muted-foreground">Atlassian account email</dt>
                  <dd>{integration.accountEmail}</dd>
                </div>
              )}
              <div>
                <dt className="text-xs text-muted-foreground">Token saved</dt>
                <dd><RelativeTime at={integration.rotatedAt} /></dd>
              </div>
            </dl>
            <div className="flex items-center gap-3">
              <Switch
                id={`integration-${provider}-active`}
                checked={integration.active}
                onCheckedChange={(active) => mutate(mutators.gitIntegration.setActive({ id: integration.id, active }))}
              />
              <Label htmlFor={`integration-${provider}-active`} className="font-normal">
                Runners receive {integration.tokenKind === 'github_app' ? 'installation tokens of this App' : 'this token'} {integration.active ? '' : '(off: jobs on its repositories are refused)'}
              </Label>
            </div>
            <TestResultView integration={integration} />
            <PermissionTable provider={provider} result={integration.lastTestResult ?? null} />
            <div className="flex flex-wrap gap-2">
              <Button type="button" onClick={() => test(integration.id)} disabled={testing}>
                {testing ? 'Testing…' : 'Test connection'}
              </Button>
              <Button type="button" variant="outline" onClick={() => setReplacing(true)}>
                {integration.tokenKind === 'github_app' ? 'Replace App credentials' : 'Replace token'}
              </Button>
              <ConfirmDialog
                trigger={<Button variant="ghost">Disconnect</Button>}
                title={`Disconnect ${label}?`}
                description="The stored token is deleted. Runners lose it on their next bootstrap (within 15 minutes) and can no longer push or open pull requests."
                confirmLabel="Disconnect"
                onConfirm={() => mutate(mutators.gitIntegration.disconnect({ id: integration.id }))}
              />
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
