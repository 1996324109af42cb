'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ArrowLeft, FolderX } from 'lucide-react';
import Link from 'next/link';
import { AdminOnly } from '@/components/settings/admin-only';
import { useCurrentOrg } from '@/components/shell/org-context';
import { SettingsPage } from '@/components/settings/teams/settings-page';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { can } from '@/lib/auth/permissions';
import { queries } from '@/zero/queries';
import { LinkRepositoryForm } from './link-repository-form';
import { RepositoryList } from './repository-list';
import { RunnerTeamPicker } from './runner-team-picker';

/** Project settings → Build & Validate: the runner team, its trigger, and the repositories the runner works in. */
export function ProjectSettingsClient({ projectKey }: { projectKey: string }) {
  const org = useCurrentOrg();
  const [project, { type }] = useQuery(queries.project({ orgID: org.id, key: projectKey }));
  const back = (
    <Link href={`/${org.slug}/projects/${projectKey}/board`} className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ArrowLeft className="size-4" aria-hidden /> Board
    </Link>
  );

  if (!project) {
    return (
      <SettingsPage title="Project settings" back={back}>
        {type === 'complete' ? (
          <EmptyState icon={FolderX} title="Project not found" description={`There is no project with the key ${projectKey} in ${org.name}.`} />
        ) : (
          <Skeleton className="h-64" aria-busy="true" aria-label="Loading the project" />
        )}
      </SettingsPage>
    );
  }

  return (
    <SettingsPage
      title={`${project.name} settings`}
      back={back}
      description="Build & Validate: which runner team works this project's tickets, and the repositories it clones."
    >
      {!can(org.role, 'teams:manage') ? (
        <AdminOnly permission="teams:manage" />
      ) : (
        <>
          <RunnerTeamPicker project={project} />
          <section className="grid gap-4 rounded-lg border bg-card p-5" aria-labelledby="repositories-title">
            <div>
              <h2 id="repositories-title" className="text-lg font-semibold">
                Repositories
              </h2>
              <p className="max-w-prose text-sm text-muted-foreground">
                The runner checks each one out into /workspace/&#123;name&#125;, cuts its branches from the base branch and opens pull requests against it. The base
                branch starts as the provider&apos;s default branch.
              </p>
            </div>
            <RepositoryList projectID={project.id} />
            <LinkRepositoryForm projectID={project.id} />
          </section>
        </>
      )}
    </SettingsPage>
  );
}
