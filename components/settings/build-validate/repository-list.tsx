'use client';
import { useQuery } from '@rocicorp/zero/react';
import { FolderGit2, GitBranch, Pencil, Trash2 } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { branchName, gitlabNotOffered, repositoryProviderLabels, workingDirectoryOf } from '@/lib/repositories/link-input';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import type { ProjectRepository } from '@/zero/schema.gen';
import { SetupCommands } from './setup-commands-editor';

function BaseBranchEditor({ repository, onDone }: { repository: ProjectRepository; onDone: () => void }) {
  const id = useId();
  const mutate = useMutate();
  const [value, setValue] = useState(repository.baseBranch);
  const [error, setError] = useState<string | null>(null);
  const problem = branchName.safeParse(value).error?.issues[0]?.message ?? null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (problem) return setError(problem);
    const failure = await mutate(mutators.buildSettings.setBaseBranch({ id: repository.id, baseBranch: value.trim() }));
    if (failure) return setError(failure);
    onDone();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-1" data-testid="base-branch-form">
      <div className="flex items-center gap-2">
        <label htmlFor={`${id}-branch`} className="sr-only">
          Base branch of {repository.fullName}
        </label>
        <Input
          id={`${id}-branch`}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onDone();
          }}
          className="h-8 w-48 font-mono text-xs"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          autoFocus
        />
        <Button type="submit" size="sm">
          Save
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        {value.trim() !== repository.defaultBranch && (
          <Button type="button" size="sm" variant="link" className="px-0" onClick={() => setValue(repository.defaultBranch)}>
            Use default ({repository.defaultBranch})
          </Button>
        )}
      </div>
      <FormError>{error}</FormError>
    </form>
  );
}

/** Linked repositories with their base branch (a badge; overridable inline), the runner's working directory and the setup commands. */
export function RepositoryList({ projectID }: { projectID: string }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [repositories, { type }] = useQuery(queries.teams.projectRepositories({ orgID: org.id, projectID }));
  const [editing, setEditing] = useState<string | null>(null);

  if (repositories.length === 0) {
    return type === 'complete' ? (
      <EmptyState
        icon={FolderGit2}
        title="No repositories linked"
        description="Link the repositories the runner should work in. Each keeps its own base branch."
        data-testid="repositories-empty"
      />
    ) : null;
  }

  return (
    <ul className="divide-y rounded-lg border" aria-label="Linked repositories">
      {repositories.map((repo) => (
        <li key={repo.id} className="grid gap-2 px-4 py-3" data-testid="repository-row" data-repository={repo.fullName}>
          <div className="flex flex-wrap items-center gap-2">
            <Badge variant="outline">{repositoryProviderLabels[repo.provider]}</Badge>
            <span className="font-mono text-sm font-medium">{repo.fullName}</span>
            <Badge variant="secondary" className="font-mono" data-testid="base-branch" title="Base branch: the runner branches from it and opens pull requests against it">
              <GitBranch aria-hidden /> {repo.baseBranch}
            </Badge>
            {repo.baseBranch !== repo.defaultBranch && <span className="text-xs text-muted-foreground">(default: {repo.defaultBranch})</span>}
            <div className="ml-auto flex gap-1">
              {editing !== repo.id && (
                <Button variant="ghost" size="sm" onClick={() => setEditing(repo.id)} aria-label={`Override the base branch of ${repo.fullName}`}>
                  <Pencil aria-hidden /> Base branch
                </Button>
              )}
              <ConfirmDialog
                trigger={
                  <Button variant="ghost" size="icon" aria-label={`Remove ${repo.fullName}`}>
                    <Trash2 />
                  </Button>
                }
                title={`Remove ${repo.fullName}?`}
                description="New jobs of this project no longer check it out. Jobs already created keep it."
                confirmLabel="Remove repository"
                onConfirm={() => mutate(mutators.buildSettings.removeRepository({ id: repo.id }))}
              />
            </div>
          </div>
          <div className="text-xs text-muted-foreground">
            Working directory <code className="rounded bg-muted px-1 py-0.5 font-mono" data-testid="working-directory">{workingDirectoryOf(repo.name)}</code>
            <span className="mx-1.5">·</span>
            <span className="font-mono">{repo.cloneUrl}</span>
          </div>
          {repo.provider === 'gitlab' && (
            <p role="note" data-testid="gitlab-not-delivered" className="rounded-md border border-warning/40 bg-warning/5 p-2 text-xs">
              {gitlabNotOffered} Jobs of this project are refused before their agent runs while it is linked: remove it.
            </p>
          )}
          {editing === repo.id && <BaseBranchEditor repository={repo} onDone={() => setEditing(null)} />}
          <SetupCommands repository={repo} />
        </li>
      ))}
    </ul>
  );
}
