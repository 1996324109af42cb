import { Skeleton } from './skeleton';

/** Placeholder rows while a list's first query result is on its way. */
export function ListSkeleton({ label, rows = 2, rowClassName = 'h-12' }: { label: string; rows?: number; rowClassName?: string }) {
  return (
    <div className="grid gap-2" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows, all alike and never reordered.
        <Skeleton key={i} className={rowClassName} />
      ))}
    </div>
  );
}
