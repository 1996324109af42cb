import { BookOpen, Bug, SquareCheck, Zap, type LucideIcon } from 'lucide-react';
import type { TicketType } from '@/lib/tickets/hierarchy';
import { cn } from '@/lib/cn';

type TicketTypeLook = { label: string; icon: LucideIcon; className: string };

// A Record keyed by TicketType: adding a type to the schema fails type-checking here until it has a look.
export const ticketTypeLooks: Record<TicketType, TicketTypeLook> = {
  task: { label: 'Task', icon: SquareCheck, className: 'text-sky-600 dark:text-sky-400' },
  story: { label: 'Story', icon: BookOpen, className: 'text-emerald-600 dark:text-emerald-400' },
  bug: { label: 'Bug', icon: Bug, className: 'text-red-600 dark:text-red-400' },
  epic: { label: 'Epic', icon: Zap, className: 'text-violet-600 dark:text-violet-400' },
};

export const ticketTypeOptions = Object.keys(ticketTypeLooks) as TicketType[];

export function TicketTypeIcon({ type, className }: { type: TicketType; className?: string }) {
  const look = ticketTypeLooks[type];
  const Icon = look.icon;
  return <Icon role="img" aria-label={look.label} className={cn('size-3.5 shrink-0', look.className, className)} />;
}
