import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';

/**
 * The table of every settings list: a caption for screen readers, the column headings, a
 * last column for the row's actions, and the rows. `footer` goes under the table.
 */
export function SettingsTable(props: { caption: string; columns: string[]; actionsLabel?: string; footer?: ReactNode; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm">
        <caption className="sr-only">{props.caption}</caption>
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col" className="px-3 py-2 font-medium">
                {column}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 font-medium">
              <span className="sr-only">{props.actionsLabel ?? 'Actions'}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y">{props.children}</tbody>
      </table>
      {props.footer}
    </div>
  );
}

/** Where a skill or MCP server applies: one project, or the whole organization. */
export function ScopeBadge({ projectName }: { projectName: string | null }) {
  return projectName ? <Badge variant="outline">{projectName}</Badge> : <Badge variant="secondary">Organization</Badge>;
}
