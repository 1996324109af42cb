import type { Label } from '@/zero/schema.gen';

/** A coloured dot per label; `decorative` when the names are already written next to it. */
export function LabelDots({ labels, decorative = false }: { labels: readonly Label[]; decorative?: boolean }) {
  if (labels.length === 0) return null;
  const a11y = decorative
    ? { 'aria-hidden': true }
    : { role: 'img', 'aria-label': `Labels: ${labels.map((l) => l.name).join(', ')}` };
  return (
    <span className="flex shrink-0 items-center gap-1" {...a11y}>
      {labels.map((l) => (
        <span key={l.id} title={l.name} className="size-2 rounded-full" style={{ backgroundColor: l.color }} />
      ))}
    </span>
  );
}
