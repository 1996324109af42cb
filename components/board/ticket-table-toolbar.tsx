'use client';
import { Search, Settings2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import type { TicketType } from '@/lib/tickets/hierarchy';
import type { ProjectStatus } from '@/zero/schema.gen';
import { ticketTypeLooks, ticketTypeOptions, TicketTypeIcon } from './ticket-type';

export type TicketTableFilters = { text: string; type: TicketType | null; statusId: string | null };

type HideableColumn = { id: string; label: string; visible: boolean; toggle: (visible: boolean) => void };

// Radix Select reserves the empty string, so "no filter" has a name of its own.
const any = 'any';

export function TicketTableToolbar({
  filters,
  onFiltersChange,
  statuses,
  shown,
  total,
  hideableColumns,
}: {
  filters: TicketTableFilters;
  onFiltersChange: (filters: TicketTableFilters) => void;
  statuses: readonly ProjectStatus[];
  shown: number;
  total: number;
  hideableColumns: readonly HideableColumn[];
}) {
  return (
    <div className="flex flex-wrap items-center gap-2 border-b px-4 py-2">
      <div className="relative w-64">
        <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
        <Input
          type="search"
          aria-label="Filter by title or ID"
          placeholder="Filter by title or ID…"
          className="h-8 pl-8"
          value={filters.text}
          onChange={(e) => onFiltersChange({ ...filters, text: e.target.value })}
        />
      </div>
      <Select
        value={filters.type ?? any}
        onValueChange={(value) => onFiltersChange({ ...filters, type: ticketTypeOptions.find((t) => t === value) ?? null })}
      >
        <SelectTrigger size="sm" aria-label="Filter by type" className="w-36">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={any}>All types</SelectItem>
          {ticketTypeOptions.map((t) => (
            <SelectItem key={t} value={t}>
              <TicketTypeIcon type={t} /> {ticketTypeLooks[t].label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <Select
        value={filters.statusId ?? any}
        onValueChange={(value) => onFiltersChange({ ...filters, statusId: value === any ? null : value })}
      >
        <SelectTrigger size="sm" aria-label="Filter by status" className="w-40">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={any}>All statuses</SelectItem>
          {statuses.map((s) => (
            <SelectItem key={s.id} value={s.id}>
              {s.name}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <span className="ml-auto text-xs text-muted-foreground tabular-nums" aria-live="polite" data-testid="ticket-table-count">
        {shown === total ? `${total} tickets` : `${shown} of ${total} tickets`}
      </span>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline" size="sm">
            <Settings2 aria-hidden /> Columns
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-44">
          <DropdownMenuLabel>Show columns</DropdownMenuLabel>
          <DropdownMenuSeparator />
          {hideableColumns.map((c) => (
            <DropdownMenuCheckboxItem
              key={c.id}
              checked={c.visible}
              onCheckedChange={(checked) => c.toggle(checked === true)}
              // Keep the menu open so several columns can be toggled in a row.
              onSelect={(e) => e.preventDefault()}
            >
              {c.label}
            </DropdownMenuCheckboxItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>
    </div>
  );
}
