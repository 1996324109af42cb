'use client';
import { useQuery } from '@rocicorp/zero/react';
import { FolderKanban } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { useCurrentOrg } from '@/components/shell/org-context';
import { can } from '@/lib/auth/permissions';
import { queries } from '@/zero/queries';
import { CreateProjectDialog } from './create-project-dialog';

export function ProjectsPageClient() {
  const org = useCurrentOrg();
  const [projects, { type }] = useQuery(queries.projects({ orgID: org.id }));
  const canCreate = can(org.role, 'projects:create');

  return (
    <div className="flex-1 overflow-auto p-8">
      <div className="mb-6 flex items-center justify-between">
        <div>
          <h1 className="text-2xl font-semibold">Projects</h1>
          <p className="text-sm text-muted-foreground">{org.name}</p>
        </div>
        {canCreate && <CreateProjectDialog />}
      </div>
      {projects.length === 0 && type !== 'complete' ? (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
        </div>
      ) : projects.length === 0 ? (
        <EmptyState
          icon={FolderKanban}
          title="No projects yet"
          description={canCreate ? 'A project is a board with its own status columns and tickets.' : 'Ask an administrator to create one.'}
          action={canCreate ? <CreateProjectDialog /> : undefined}
        />
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {projects.map((p) => (
            <Link key={p.id} href={`/${org.slug}/projects/${p.key}/board`} data-testid="project-card">
              <Card className="transition-colors hover:bg-muted/50">
                <CardHeader>
                  <CardTitle className="flex items-center gap-2">
                    {p.name} <Badge variant="outline">{p.key}</Badge>
                  </CardTitle>
                  <CardDescription>{p.statuses.map((s) => s.name).join(' → ')}</CardDescription>
                </CardHeader>
              </Card>
            </Link>
          ))}
        </div>
      )}
    </div>
  );
}
