'use client';
import { useQuery } from '@rocicorp/zero/react';
import { BookOpen, Plus } from 'lucide-react';
import { useMemo } from 'react';
import { AdminOnly } from '@/components/settings/admin-only';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { SettingsPage } from '@/components/settings/teams/settings-page';
import { DeleteRowButton, EditRowButton } from '@/components/settings/row-actions';
import { Button } from '@/components/ui/button';
import { ListSkeleton } from '@/components/ui/list-skeleton';
import { EmptyState } from '@/components/ui/empty-state';
import { can } from '@/lib/auth/permissions';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { SkillDialog } from './skill-dialog';
import { ScopeBadge, SettingsTable } from '@/components/settings/settings-table';

export function SkillsPageClient() {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [skills, { type }] = useQuery(queries.teams.skills({ orgID: org.id }));
  const [projects] = useQuery(queries.projects({ orgID: org.id }));
  const projectNames = useMemo(() => new Map(projects.map((p) => [p.id, `${p.name} (${p.key})`])), [projects]);
  const manage = can(org.role, 'teams:manage');
  const newButton = (
    <Button>
      <Plus aria-hidden /> New skill
    </Button>
  );

  return (
    <SettingsPage
      title="Skills"
      description="Reusable instruction sets in Markdown. Attach them to pipeline stages under Runner Teams; the agent uses a skill when its description matches the task."
      action={manage ? <SkillDialog trigger={newButton} /> : undefined}
    >
      {!manage ? (
        <AdminOnly permission="teams:manage" />
      ) : skills.length === 0 && type !== 'complete' ? (
        <ListSkeleton label="Loading skills" rowClassName="h-12" />
      ) : skills.length === 0 ? (
        <EmptyState
          icon={BookOpen}
          title="No skills yet"
          description="Write down how your team reviews code, names branches or writes migrations, and attach it to the stages that need it."
          action={<SkillDialog trigger={newButton} />}
          data-testid="skills-empty"
        />
      ) : (
        <SettingsTable caption="Skills" columns={['Name', 'Description', 'Scope']}>
          {skills.map((skill) => (
            <tr key={skill.id} data-testid="skill-row" data-skill={skill.slug}>
              <td className="px-3 py-2.5 font-mono text-xs font-medium">{skill.slug}</td>
              <td className="max-w-md px-3 py-2.5 text-muted-foreground">
                <span className="line-clamp-2">{skill.description}</span>
              </td>
              <td className="px-3 py-2.5">
                <ScopeBadge projectName={skill.projectId ? (projectNames.get(skill.projectId) ?? 'Project') : null} />
              </td>
              <td className="px-3 py-2.5">
                <div className="flex justify-end gap-1">
                  <SkillDialog
                    skill={skill}
                    trigger={<EditRowButton name={skill.slug} />}
                  />
                  <DeleteRowButton
                    name={skill.slug}
                    description="It is detached from every stage that uses it. Jobs already created keep their copy."
                    confirmLabel="Delete skill"
                    onConfirm={() => mutate(mutators.skill.delete({ id: skill.id }))}
                  />
                </div>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
    </SettingsPage>
  );
}
