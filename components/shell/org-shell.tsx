'use client';
import { useQuery } from '@rocicorp/zero/react';
import { BookOpen, Bot, ChevronsUpDown, FolderKanban, GitBranch, GraduationCap, LogOut, Plug, Plus, Users, Workflow } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Avatar } from '@/components/ui/avatar';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { authClient } from '@/lib/auth/auth-client';
import { cn } from '@/lib/cn';
import { queries } from '@/zero/queries';
import { CreateOrgDialog } from './create-org-dialog';
import { useCurrentOrg } from './org-context';

/** `exact`: only this very page counts as active (the org's home would otherwise match every page). */
function NavLink({ href, icon: Icon, exact = false, children }: { href: string; icon: typeof Users; exact?: boolean; children: ReactNode }) {
  const pathname = usePathname();
  const active = pathname === href || (!exact && pathname.startsWith(`${href}/`));
  return (
    <Link
      href={href}
      className={cn(
        'flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-sidebar-foreground/80 hover:bg-sidebar-accent hover:text-sidebar-foreground',
        active && 'bg-sidebar-accent text-sidebar-foreground',
      )}
    >
      <Icon className="size-4" aria-hidden />
      {children}
    </Link>
  );
}

export function OrgShell({ userName, children }: { userName: string; children: ReactNode }) {
  const org = useCurrentOrg();
  const [orgs] = useQuery(queries.organizations());
  const [projects] = useQuery(queries.projects({ orgID: org.id }));

  return (
    <div className="flex h-screen overflow-hidden">
      <aside className="flex w-60 shrink-0 flex-col gap-4 border-r border-sidebar-border bg-sidebar p-3 text-sidebar-foreground">
        <DropdownMenu>
          <DropdownMenuTrigger
            className="flex items-center justify-between rounded-md px-2 py-1.5 text-left text-sm font-semibold hover:bg-sidebar-accent"
            aria-label="Switch organization"
          >
            <span className="truncate" data-testid="current-org">{org.name}</span>
            <ChevronsUpDown className="size-4 opacity-60" aria-hidden />
          </DropdownMenuTrigger>
          <DropdownMenuContent align="start" className="w-56">
            <DropdownMenuLabel>Organizations</DropdownMenuLabel>
            {orgs.map((o) => (
              <DropdownMenuItem key={o.id} asChild>
                <a href={`/${o.slug}`}>{o.name}</a>
              </DropdownMenuItem>
            ))}
            <DropdownMenuSeparator />
            <CreateOrgDialog
              trigger={
                <DropdownMenuItem onSelect={(e) => e.preventDefault()}>
                  <Plus className="size-4" aria-hidden /> New organization
                </DropdownMenuItem>
              }
            />
          </DropdownMenuContent>
        </DropdownMenu>
        <nav className="grid gap-0.5">
          <NavLink href={`/${org.slug}`} icon={FolderKanban} exact>
            Projects
          </NavLink>
          {projects.map((p) => (
            <Link
              key={p.id}
              href={`/${org.slug}/projects/${p.key}/board`}
              className="ml-6 truncate rounded-md px-2 py-1 text-sm text-sidebar-foreground/70 hover:bg-sidebar-accent hover:text-sidebar-foreground"
            >
              {p.name}
            </Link>
          ))}
        </nav>
        <nav className="grid gap-0.5" aria-labelledby="settings-nav-title">
          <h2 id="settings-nav-title" className="px-2 pb-1 text-xs font-medium text-sidebar-foreground/60">
            Settings
          </h2>
          <NavLink href={`/${org.slug}/settings/members`} icon={Users}>
            Members
          </NavLink>
          <NavLink href={`/${org.slug}/settings/runners`} icon={Bot}>
            Runners
          </NavLink>
          <NavLink href={`/${org.slug}/settings/integrations`} icon={GitBranch}>
            Integrations
          </NavLink>
          <NavLink href={`/${org.slug}/settings/teams`} icon={Workflow}>
            Runner Teams
          </NavLink>
          <NavLink href={`/${org.slug}/settings/skills`} icon={BookOpen}>
            Skills
          </NavLink>
          <NavLink href={`/${org.slug}/settings/mcp-servers`} icon={Plug}>
            MCP Servers
          </NavLink>
          <NavLink href={`/${org.slug}/settings/knowledge`} icon={GraduationCap}>
            Knowledge
          </NavLink>
        </nav>
        <div className="mt-auto flex items-center gap-2 px-1">
          <Avatar name={userName} size="sm" />
          <span className="flex-1 truncate text-sm">{userName}</span>
          <button
            type="button"
            aria-label="Sign out"
            className="rounded p-1 hover:bg-sidebar-accent"
            onClick={async () => {
              await authClient.signOut();
              window.location.assign('/sign-in');
            }}
          >
            <LogOut className="size-4" aria-hidden />
          </button>
        </div>
      </aside>
      <main className="flex min-w-0 flex-1 flex-col overflow-hidden">{children}</main>
    </div>
  );
}
