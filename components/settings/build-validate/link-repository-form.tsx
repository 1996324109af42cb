'use client';
import { useQuery } from '@rocicorp/zero/react';
import Link from 'next/link';
import { useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { useOrgApi } from '@/components/settings/use-org-api';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { linkableProviders, ownerSlashName, repositoryProviderLabels, type LinkableProvider } from '@/lib/repositories/link-input';
import { queries } from '@/zero/queries';
import type { ProjectRepository } from '@/zero/schema.gen';

/** Links a repository; the route asks the provider for its default branch, which becomes the base branch. */
export function LinkRepositoryForm({ projectID }: { projectID: string }) {
  const id = useId();
  const org = useCurrentOrg();
  const api = useOrgApi();
  const [integrations] = useQuery(queries.runners.gitIntegrations({ orgID: org.id }));
  const [provider, setProvider] = useState<LinkableProvider>('github');
  const [target, setTarget] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const integration = integrations.find((i) => i.provider === provider);
  const targetProblem = target.trim() ? (ownerSlashName.safeParse(target).error?.issues[0]?.message ?? null) : null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!target.trim() || targetProblem) return setError(targetProblem ?? 'Enter the repository as owner/name.');
    setPending(true);
    setError(null);
    const result = await api<{ repository: ProjectRepository }>('POST', `projects/${encodeURIComponent(projectID)}/repositories`, { provider, fullName: target });
    setPending(false);
    if (!result.ok) return setError(result.error);
    toast.success(`Linked ${result.data.repository.fullName}; the runner branches from ${result.data.repository.baseBranch}.`);
    setTarget('');
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-3 rounded-md border border-dashed p-4" data-testid="link-repository-form" noValidate>
      <h3 className="text-sm font-semibold">Link a repository</h3>
      <div className="grid gap-3 sm:grid-cols-[11rem_minmax(0,1fr)_auto] sm:items-start">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-provider`}>Provider</Label>
          <Select
            value={provider}
            onValueChange={(v) => {
              setProvider(v === 'bitbucket' ? 'bitbucket' : 'github');
              setError(null);
            }}
          >
            <SelectTrigger id={`${id}-provider`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {linkableProviders.map((p) => (
                <SelectItem key={p} value={p}>
                  {repositoryProviderLabels[p]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-target`}>{provider === 'bitbucket' ? 'Repository (workspace/name)' : 'Repository (owner/name)'}</Label>
          <Input
            id={`${id}-target`}
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              setError(null);
            }}
            placeholder="acme/api"
            className="font-mono"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={targetProblem ? true : undefined}
            aria-describedby={`${id}-target-hint`}
          />
          <p id={`${id}-target-hint`} className="text-xs text-muted-foreground">
            {integration ? (
              <>
                Read with the {repositoryProviderLabels[provider]} integration ({integration.maskedPreview}){integration.active ? '' : ', which is turned off'}.
              </>
            ) : (
              <>
                {repositoryProviderLabels[provider]} is not connected.{' '}
                <Link className="underline" href={`/${org.slug}/settings/integrations`}>
                  Connect it under Settings → Integrations
                </Link>
                .
              </>
            )}
          </p>
        </div>
        <Button type="submit" disabled={pending} className="sm:mt-[1.375rem]">
          {pending ? 'Linking…' : 'Link repository'}
        </Button>
      </div>
      <FormError data-testid="link-repository-error">{error ?? targetProblem}</FormError>
    </form>
  );
}
