'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Plug, Plus } from 'lucide-react';
import { useMemo } from 'react';
import { AdminOnly } from '@/components/settings/admin-only';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { SettingsPage } from '@/components/settings/teams/settings-page';
import { DeleteRowButton, EditRowButton } from '@/components/settings/row-actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ListSkeleton } from '@/components/ui/list-skeleton';
import { EmptyState } from '@/components/ui/empty-state';
import { can } from '@/lib/auth/permissions';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { McpServerDialog } from './mcp-server-dialog';
import { ScopeBadge, SettingsTable } from '@/components/settings/settings-table';

const transportBadge = { stdio: 'STDIO', sse: 'SSE', http: 'HTTP' } as const;

export function McpServersPageClient() {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [servers, { type }] = useQuery(queries.teams.mcpServers({ orgID: org.id }));
  const [projects] = useQuery(queries.projects({ orgID: org.id }));
  const projectNames = useMemo(() => new Map(projects.map((p) => [p.id, `${p.name} (${p.key})`])), [projects]);
  const manage = can(org.role, 'teams:manage');
  const addButton = (
    <Button>
      <Plus aria-hidden /> Add MCP server
    </Button>
  );

  return (
    <SettingsPage
      title="MCP Servers"
      description="External tool servers (Model Context Protocol) that runners can use in the pipeline stages they are attached to."
      action={manage ? <McpServerDialog trigger={addButton} /> : undefined}
    >
      {!manage ? (
        <AdminOnly permission="teams:manage" />
      ) : servers.length === 0 && type !== 'complete' ? (
        <ListSkeleton label="Loading MCP servers" rowClassName="h-12" />
      ) : servers.length === 0 ? (
        <EmptyState
          icon={Plug}
          title="No MCP servers yet"
          description="Connect a server by URL (SSE or HTTP) or by the command that starts it (STDIO), then attach it to a stage."
          action={<McpServerDialog trigger={addButton} />}
          data-testid="mcp-servers-empty"
        />
      ) : (
        <SettingsTable caption="MCP servers" columns={['Name', 'Connection', 'Credentials', 'Allowed tools', 'Scope']}>
          {servers.map((server) => (
            <tr key={server.id} data-testid="mcp-server-row" data-server={server.name}>
              <td className="px-3 py-2.5 font-mono text-xs font-medium">{server.name}</td>
              <td className="max-w-xs px-3 py-2.5">
                <div className="flex items-center gap-2">
                  <Badge variant="outline">{transportBadge[server.transport]}</Badge>
                  <span className="truncate font-mono text-xs text-muted-foreground" title={server.url ?? [server.command, ...server.args].join(' ')}>
                    {server.url ?? [server.command, ...server.args].join(' ')}
                  </span>
                </div>
              </td>
              <td className="px-3 py-2.5 font-mono text-xs text-muted-foreground" data-testid="mcp-credential-preview">
                {server.credentialPreview ?? '—'}
              </td>
              <td className="px-3 py-2.5 text-xs text-muted-foreground">{server.allowedTools.length ? server.allowedTools.join(', ') : 'All'}</td>
              <td className="px-3 py-2.5">
                <ScopeBadge projectName={server.projectId ? (projectNames.get(server.projectId) ?? 'Project') : null} />
              </td>
              <td className="px-3 py-2.5">
                <div className="flex justify-end gap-1">
                  <McpServerDialog
                    server={server}
                    trigger={<EditRowButton name={server.name} />}
                  />
                  <DeleteRowButton
                    name={server.name}
                    description="It is detached from every stage that uses it (its tools included), and its stored credentials are deleted."
                    confirmLabel="Delete MCP server"
                    onConfirm={() => mutate(mutators.mcpServer.delete({ id: server.id }))}
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
