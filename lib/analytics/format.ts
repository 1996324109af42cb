// How analytics figures read: token counts, rates (— without a denominator) and durations.
import { models } from '@spedy/protocol/models';

const count = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export const formatCount = (value: number) => count.format(value);
export const formatCompact = (value: number) => compact.format(value);
export const formatRate = (value: number | null) => (value == null ? '—' : percent.format(value));

/** "45 s", "3 min 5 s", "2 h 4 min"; "—" without a value. */
export function formatDuration(ms: number | null): string {
  if (ms == null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const modelLabels = new Map<string, string>(models.map((m) => [m.id, m.label]));
/** "Sonnet 4.6" for a listed model, else the id as the usage named it. */
export const modelLabel = (model: string) => modelLabels.get(model) ?? model;
